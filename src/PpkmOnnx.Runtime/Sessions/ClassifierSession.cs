using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// The one ONNX Runtime classification core: a session of a sequence classifier checked against its model package
/// (inputs input_ids, attention_mask and, when the graph has it, token_type_ids; a rank-2 logits output with one column
/// per package label), that runs an encoded batch and returns its logits decoded to float32. <see cref="SentimentClassifier"/>,
/// <c>ppkm bench</c> and the exporter's check all run classifiers through it, so they feed, read and label a model alike.
/// Run is thread-safe (ONNX Runtime's is); dispose it to free the session.
/// </summary>
public sealed class ClassifierSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private ClassifierSession(OrtSessionHandle handle, string modelPath, ModelPackage package, string[] inputNames, string outputName)
    {
        _handle = handle;
        ModelPath = modelPath;
        Package = package;
        _inputNames = inputNames;
        _outputNames = [outputName];
    }

    /// <summary>The ONNX file.</summary>
    public string ModelPath { get; }
    /// <summary>The package's facts, read with this file's ONNX metadata (labels, max length, tokenizer, model type).</summary>
    public ModelPackage Package { get; }
    /// <summary>Label names by class id: the package's, never empty; the logits have one column per label.</summary>
    public IReadOnlyList<string> Labels => Package.Labels;
    /// <summary>ONNX Runtime's name of the provider really used (<see cref="OrtSessionFactory.CpuProviderName"/> or <see cref="OrtSessionFactory.CudaProviderName"/>).</summary>
    public string Provider => _handle.Provider;
    /// <summary>True when the session runs on CUDA.</summary>
    public bool IsCuda => _handle.IsCuda;
    /// <summary>Why CUDA was not used though auto asked for it, or null.</summary>
    public string? FallbackNote => _handle.FallbackNote;
    /// <summary>The inputs fed, in order (<see cref="ModelGraphNames.ClassifierInputs"/>).</summary>
    public IReadOnlyList<string> InputNames => _inputNames;
    /// <summary>Whether the graph takes token_type_ids (fed all zeros).</summary>
    public bool HasTokenTypeIds => _inputNames.Contains(ModelGraphNames.TokenTypeIds);
    /// <summary>The output the logits are read from (<see cref="ModelGraphNames.ClassifierOutput"/>).</summary>
    public string OutputName => _outputNames[0];

    /// <summary>Opens <paramref name="modelPath"/> with <paramref name="settings"/> and checks it against the package in <paramref name="packageFolder"/>.</summary>
    /// <exception cref="UserInputException">The model cannot be loaded (or CUDA was required and is unusable), or it does not fit the package.</exception>
    public static ClassifierSession Open(string modelPath, string packageFolder, SessionSettings settings) =>
        Open(OrtSessionFactory.Create(modelPath, settings), modelPath, packageFolder);

    /// <summary>
    /// Checks the open session <paramref name="handle"/> of <paramref name="modelPath"/> against the package in
    /// <paramref name="packageFolder"/> (read through <see cref="ModelPackage"/> with the session's metadata) and wraps it.
    /// Takes ownership of the handle: it is disposed with the result, or at once when a check fails.
    /// </summary>
    /// <exception cref="UserInputException">
    /// An input nobody can feed or a required one missing, an output that is not [batch, labels], a package that names no
    /// labels, or a logit count that differs from the package's labels.
    /// </exception>
    public static ClassifierSession Open(OrtSessionHandle handle, string modelPath, string packageFolder)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            var session = handle.Session;
            var inputNames = ModelGraphNames.ClassifierInputs(session.InputMetadata.Keys, modelPath);
            var outputName = ModelGraphNames.ClassifierOutput(session.OutputMetadata.Keys, modelPath);
            var dimensions = session.OutputMetadata[outputName].Dimensions;
            if (dimensions.Length != 2)
                throw new UserInputException($"{modelPath}: output '{outputName}' has rank {dimensions.Length}, expected logits [batch, num_labels] (is this a base model without a classification head?).");
            var package = ModelPackage.Read(packageFolder, session.ModelMetadata.CustomMetadataMap, modelPath);
            RequireLabels(package, modelPath, dimensions[1]);
            return new ClassifierSession(handle, modelPath, package, inputNames, outputName);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void RequireLabels(ModelPackage package, string modelPath, long logits)
    {
        if (package.Labels.Count == 0)
            throw new UserInputException(package.HasConfig
                ? $"{package.ConfigPath}: no id2label and {Path.GetFileName(modelPath)} has no {ModelPackageLayout.MetadataLabels} metadata; cannot name the classes."
                : $"{package.ConfigPath}: config.json not found and {Path.GetFileName(modelPath)} has no {ModelPackageLayout.MetadataLabels} metadata; cannot name the classes.");
        // A symbolic dimension (-1) is checked on every run instead.
        if (logits > 0 && logits != package.Labels.Count)
            throw new UserInputException($"{modelPath}: the graph outputs {logits} logits but the package names {package.Labels.Count} labels.");
    }

    /// <summary>Runs <paramref name="batch"/> (see <see cref="Run(ClassifierInputs, RunOptions?)"/>).</summary>
    public ClassifierLogits Run(EncodedBatch batch, RunOptions? runOptions = null)
    {
        using var inputs = ClassifierInputs.Create(batch);
        return Run(inputs, runOptions);
    }

    /// <summary>Runs <paramref name="inputs"/> and returns their logits, one row per input row and one column per label.</summary>
    /// <param name="inputs">The encoded batch.</param>
    /// <param name="runOptions">The run's options (e.g. one a cancellation terminates); a fresh one when null.</param>
    /// <exception cref="UserInputException">The logits are not [rows, labels] of float or float16.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed the run (or it was terminated through <paramref name="runOptions"/>).</exception>
    public ClassifierLogits Run(ClassifierInputs inputs, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var own = runOptions is null ? new RunOptions() : null;
        using var outputs = _handle.Session.Run(runOptions ?? own!, _inputNames, inputs.For(_inputNames), _outputNames);
        return ClassifierLogits.Read(outputs[0], inputs.BatchSize, Labels.Count, $"{ModelPath}: output '{OutputName}'");
    }

    /// <summary>Frees the session.</summary>
    public void Dispose() => _handle.Dispose();
}
