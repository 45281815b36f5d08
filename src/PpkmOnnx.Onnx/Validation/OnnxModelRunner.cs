using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>
/// Runs an ONNX model on CPU with ONNX Runtime for validation, parity checks, calibration and accuracy checks: feeds the
/// inputs the graph declares (input_ids, attention_mask, token_type_ids) and returns float outputs by name.
/// </summary>
public sealed class OnnxModelRunner : IReferenceModel, IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly InferenceSession _session;
    private readonly string _outputName;

    private OnnxModelRunner(OrtSessionHandle handle, string outputName)
    {
        _handle = handle;
        _session = handle.Session;
        _outputName = outputName;
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
    /// <exception cref="UserInputException">The model file does not exist.</exception>
    public static OnnxModelRunner Open(string modelPath, string? outputName = null, int intraOpThreads = 0,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, OrtLoggingLevel logSeverity = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
    {
        if (!File.Exists(modelPath)) throw new UserInputException($"{modelPath}: ONNX model not found.");
        return Wrap(OrtSessionFactory.Create(modelPath, Settings(intraOpThreads, optimization, logSeverity)), outputName);
    }

    /// <summary>Opens a model held in memory (see the path overload for the parameters).</summary>
    public static OnnxModelRunner Open(byte[] model, string? outputName = null, int intraOpThreads = 0,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, OrtLoggingLevel logSeverity = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING) =>
        Wrap(OrtSessionFactory.Create(model, Settings(intraOpThreads, optimization, logSeverity)), outputName);

    private static SessionSettings Settings(int intraOpThreads, GraphOptimizationLevel optimization, OrtLoggingLevel logSeverity) => new()
    {
        ExecutionProvider = ExecutionProviderPreference.Cpu,
        IntraOpThreads = intraOpThreads,
        OptimizationLevel = optimization,
        LogSeverity = logSeverity,
    };

    private static OnnxModelRunner Wrap(OrtSessionHandle handle, string? outputName)
    {
        var outputs = handle.Session.OutputNames;
        var name = outputName ?? outputs[0];
        if (!outputs.Contains(name))
        {
            handle.Dispose();
            throw new ArgumentException($"the model has no output '{name}' (outputs: {string.Join(", ", outputs)}).");
        }
        return new OnnxModelRunner(handle, name);
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

    /// <summary>The float outputs <paramref name="outputNames"/> for <paramref name="batch"/>, in that order, each as flat values and shape.</summary>
    /// <exception cref="NotSupportedException">The graph has an input other than input_ids, attention_mask and token_type_ids.</exception>
    public IReadOnlyList<(float[] Values, int[] Shape)> Run(EncodedBatch batch, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(outputNames);
        var shape = new long[] { batch.BatchSize, batch.SequenceLength };
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in _session.InputNames)
            {
                var data = input switch
                {
                    ModelGraphNames.InputIds => batch.InputIds,
                    ModelGraphNames.AttentionMask => batch.AttentionMask,
                    ModelGraphNames.TokenTypeIds => batch.TokenTypeIds,
                    _ => throw new NotSupportedException($"the model has an input '{input}' this runner cannot feed."),
                };
                names.Add(input);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, names, values, outputNames);
            var result = new List<(float[], int[])>(outputs.Count);
            foreach (var output in outputs)
            {
                var info = output.GetTensorTypeAndShape();
                result.Add((output.GetTensorDataAsSpan<float>().ToArray(), info.Shape.Select(d => checked((int)d)).ToArray()));
            }
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
