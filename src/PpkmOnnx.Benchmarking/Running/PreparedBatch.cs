using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>
/// A tokenized batch held as ONNX Runtime tensors over pinned managed arrays, built once so the timed calls
/// measure the model and nothing else.
/// </summary>
internal sealed class PreparedBatch : IDisposable
{
    private readonly OrtValue _inputIds;
    private readonly OrtValue _attentionMask;
    private readonly OrtValue _tokenTypeIds;

    private PreparedBatch(EncodedBatch batch)
    {
        long[] shape = [batch.BatchSize, batch.SequenceLength];
        _inputIds = OrtValue.CreateTensorValueFromMemory(batch.InputIds, shape);
        _attentionMask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, shape);
        _tokenTypeIds = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds, shape);
        BatchSize = batch.BatchSize;
        SequenceLength = batch.SequenceLength;
    }

    /// <summary>Rows.</summary>
    public int BatchSize { get; }
    /// <summary>Padded columns.</summary>
    public int SequenceLength { get; }

    /// <summary>Wraps <paramref name="batch"/> (its arrays must stay alive and unchanged; they do: records own them).</summary>
    public static PreparedBatch Create(EncodedBatch batch) => new(batch);

    /// <summary>The input values in graph input order (input_ids, attention_mask[, token_type_ids]).</summary>
    public OrtValue[] Inputs(bool withTokenTypes) =>
        withTokenTypes ? [_inputIds, _attentionMask, _tokenTypeIds] : [_inputIds, _attentionMask];

    public void Dispose()
    {
        _inputIds.Dispose();
        _attentionMask.Dispose();
        _tokenTypeIds.Dispose();
    }
}
