using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>
/// Runs an ONNX model on CPU with ONNX Runtime for validation and parity checks: feeds the inputs the graph declares
/// (input_ids, attention_mask, token_type_ids) and returns one output as a flat float array.
/// </summary>
public sealed class OnnxModelRunner : IReferenceModel, IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _outputName;

    private OnnxModelRunner(InferenceSession session, string outputName)
    {
        _session = session;
        _outputName = outputName;
    }

    /// <summary>The graph's input names.</summary>
    public IReadOnlyList<string> InputNames => _session.InputNames;

    /// <summary>The graph's output names.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Opens <paramref name="modelPath"/> (or its bytes) on CPU; <paramref name="outputName"/> defaults to the first output.</summary>
    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    public static OnnxModelRunner Open(string modelPath, string? outputName = null, int intraOpThreads = 0, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: ONNX model not found.", modelPath);
        return Open(File.ReadAllBytes(modelPath), outputName, intraOpThreads, optimization);
    }

    /// <summary>Opens a model held in memory.</summary>
    public static OnnxModelRunner Open(byte[] model, string? outputName = null, int intraOpThreads = 0, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = optimization, IntraOpNumThreads = intraOpThreads };
        var session = new InferenceSession(model, options);
        var name = outputName ?? session.OutputNames[0];
        if (!session.OutputNames.Contains(name))
        {
            session.Dispose();
            throw new ArgumentException($"the model has no output '{name}' (outputs: {string.Join(", ", session.OutputNames)}).");
        }
        return new OnnxModelRunner(session, name);
    }

    /// <inheritdoc />
    public float[] Forward(EncodedBatch batch) => Run(batch)[_outputName];

    /// <summary>Every output for <paramref name="batch"/>, by name.</summary>
    public Dictionary<string, float[]> Run(EncodedBatch batch)
    {
        var shape = new long[] { batch.BatchSize, batch.SequenceLength };
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var input in _session.InputNames)
            {
                var data = input switch
                {
                    "input_ids" => batch.InputIds,
                    "attention_mask" => batch.AttentionMask,
                    "token_type_ids" => batch.TokenTypeIds,
                    _ => throw new NotSupportedException($"the model has an input '{input}' this runner cannot feed."),
                };
                names.Add(input);
                values.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, names, values, _session.OutputNames);
            var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int i = 0; i < outputs.Count; i++) result[_session.OutputNames[i]] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
