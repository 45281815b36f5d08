using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Runs a BERT-family ONNX model on CPU for calibration and accuracy checks: feeds input_ids, attention_mask and
/// (when the graph has it) token_type_ids, and returns the requested float outputs.
/// </summary>
internal sealed class OrtModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly HashSet<string> _inputs;

    private OrtModelRunner(InferenceSession session)
    {
        _session = session;
        _inputs = session.InputMetadata.Keys.ToHashSet();
    }

    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    public static OrtModelRunner FromBytes(byte[] model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL, string? optimizedModelPath = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (optimizedModelPath is not null) options.OptimizedModelFilePath = optimizedModelPath;
        return new OrtModelRunner(new InferenceSession(model, options));
    }

    public static OrtModelRunner FromFile(string path)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        return new OrtModelRunner(new InferenceSession(path, options));
    }

    /// <summary>Runs one batch; returns each requested output as (flat values, shape).</summary>
    public List<(float[] Values, int[] Shape)> Run(EncodedBatch batch, IReadOnlyList<string> outputs)
    {
        var shape = new[] { batch.BatchSize, batch.SequenceLength };
        var feeds = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
        };
        if (_inputs.Contains("token_type_ids"))
            feeds.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)));
        using var results = _session.Run(feeds, outputs);
        var list = new List<(float[], int[])>(outputs.Count);
        foreach (var r in results)
        {
            var t = r.AsTensor<float>();
            // DenseTensor's buffer copies in one go; Tensor<T>.ToArray() would enumerate element by element.
            var values = t is DenseTensor<float> dense ? dense.Buffer.ToArray() : t.ToArray();
            list.Add((values, t.Dimensions.ToArray()));
        }
        return list;
    }

    public void Dispose() => _session.Dispose();
}
