using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>
/// Runs an ONNX model on CPU with ONNX Runtime for parity checks, calibration and accuracy checks, and for validating
/// base-model exports: any output by name (a base model's hidden states, a calibration graph's activations). It feeds
/// and reads a graph as the Runtime's classification core does (<see cref="ModelGraphNames.ClassifierInputs"/>,
/// <see cref="ClassifierInputs"/>, <see cref="FloatTensor"/>); classifiers are checked and run by <see cref="ClassifierSession"/>.
/// </summary>
public sealed class OnnxModelRunner : IReferenceModel, IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly InferenceSession _session;
    private readonly string _outputName;
    private readonly string[] _feed;
    private readonly string _modelName;

    private OnnxModelRunner(OrtSessionHandle handle, string outputName, string[] feed, string modelName)
    {
        _modelName = modelName;
        _handle = handle;
        _session = handle.Session;
        _outputName = outputName;
        _feed = feed;
    }

    /// <summary>The graph's input names.</summary>
    public IReadOnlyList<string> InputNames => _session.InputNames;

    /// <summary>The graph's output names.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Opens <paramref name="modelPath"/> on CPU; <paramref name="outputName"/> defaults to the first output.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="outputName">The output <see cref="Forward"/> returns; the first output when null.</param>
    /// <param name="intraOpThreads">Threads inside one operator; 0 lets ONNX Runtime choose.</param>
    /// <param name="optimization">ONNX Runtime graph optimization level.</param>
    /// <param name="logSeverity">ONNX Runtime's log level for this session (quantized graphs make it warn about things that are fine).</param>
    /// <exception cref="UserInputException">The model file does not exist, or it has an input other than input_ids, attention_mask and token_type_ids.</exception>
    public static OnnxModelRunner Open(string modelPath, string? outputName = null, int intraOpThreads = 0,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, OrtLoggingLevel logSeverity = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
    {
        if (!File.Exists(modelPath)) throw new UserInputException($"{modelPath}: ONNX model not found.");
        return Wrap(OrtSessionFactory.Create(modelPath, Settings(intraOpThreads, optimization, logSeverity)), outputName, modelPath);
    }

    /// <summary>Opens a model held in memory (see the path overload for the parameters).</summary>
    public static OnnxModelRunner Open(byte[] model, string? outputName = null, int intraOpThreads = 0,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, OrtLoggingLevel logSeverity = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING) =>
        Wrap(OrtSessionFactory.Create(model, Settings(intraOpThreads, optimization, logSeverity)), outputName, "the in-memory model");

    private static SessionSettings Settings(int intraOpThreads, GraphOptimizationLevel optimization, OrtLoggingLevel logSeverity) => new()
    {
        ExecutionProvider = ExecutionProviderPreference.Cpu,
        IntraOpThreads = intraOpThreads,
        OptimizationLevel = optimization,
        LogSeverity = logSeverity,
    };

    private static OnnxModelRunner Wrap(OrtSessionHandle handle, string? outputName, string modelName)
    {
        try
        {
            var feed = ModelGraphNames.ClassifierInputs(handle.Session.InputMetadata.Keys, modelName);
            var outputs = handle.Session.OutputNames;
            var name = outputName ?? outputs[0];
            if (!outputs.Contains(name)) throw new ArgumentException($"the model has no output '{name}' (outputs: {string.Join(", ", outputs)}).");
            return new OnnxModelRunner(handle, name, feed, modelName);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public float[] Forward(EncodedBatch batch) => Run(batch)[_outputName];

    /// <summary>Every output for <paramref name="batch"/>, by name.</summary>
    public Dictionary<string, float[]> Run(EncodedBatch batch)
    {
        var names = _session.OutputNames;
        var outputs = Run(batch, names);
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++) result[names[i]] = outputs[i].Values;
        return result;
    }

    /// <summary>The outputs <paramref name="outputNames"/> for <paramref name="batch"/>, in that order, each as flat float values (float16 outputs widened) and shape.</summary>
    /// <exception cref="UserInputException">An output holds neither float nor float16.</exception>
    public IReadOnlyList<(float[] Values, int[] Shape)> Run(EncodedBatch batch, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(outputNames);
        using var inputs = ClassifierInputs.Create(batch);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _feed, inputs.For(_feed), outputNames);
        var result = new List<(float[], int[])>(outputs.Count);
        for (int i = 0; i < outputs.Count; i++)
        {
            var (values, shape) = FloatTensor.Read(outputs[i], $"output '{outputNames[i]}'");
            result.Add((values, shape.Select(d => checked((int)d)).ToArray()));
        }
        return result;
    }

    /// <summary>
    /// Runs <paramref name="batch"/> as a classifier, as <see cref="ClassifierSession"/> does without a package: the output
    /// <see cref="ModelGraphNames.ClassifierOutput"/> picks, read by <see cref="ClassifierLogits.Read"/> as [rows, any count of labels].
    /// </summary>
    /// <exception cref="UserInputException">The output is not [rows, labels] of float or float16.</exception>
    public ClassifierLogits RunLogits(EncodedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string[] output = [ModelGraphNames.ClassifierOutput(_session.OutputNames, _modelName)];
        using var inputs = ClassifierInputs.Create(batch);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, _feed, inputs.For(_feed), output);
        return ClassifierLogits.Read(outputs[0], batch.BatchSize, null, $"{_modelName}: output '{output[0]}'");
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
