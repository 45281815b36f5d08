using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// An encoded batch held as ONNX Runtime tensors over its own arrays (pinned, not copied): what a BERT-family graph is
/// fed. Built once it can be run many times, so a benchmark's clock sees the model and nothing else. Dispose it to
/// release the tensors.
/// </summary>
public sealed class ClassifierInputs : IDisposable
{
    private readonly OrtValue _inputIds;
    private readonly OrtValue _attentionMask;
    private readonly OrtValue _tokenTypeIds;

    private ClassifierInputs(EncodedBatch batch)
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

    /// <summary>Wraps <paramref name="batch"/>; its arrays must stay alive and unchanged while this is in use.</summary>
    public static ClassifierInputs Create(EncodedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new ClassifierInputs(batch);
    }

    /// <summary>
    /// The tensors for <paramref name="inputNames"/> (as <see cref="ModelGraphNames.ClassifierInputs"/> returns them), in
    /// that order. They belong to this object: use them while it lives, never dispose them.
    /// </summary>
    /// <exception cref="ArgumentException">A name other than input_ids, attention_mask and token_type_ids.</exception>
    public OrtValue[] For(IReadOnlyList<string> inputNames)
    {
        ArgumentNullException.ThrowIfNull(inputNames);
        var values = new OrtValue[inputNames.Count];
        for (int i = 0; i < values.Length; i++)
            values[i] = inputNames[i] switch
            {
                ModelGraphNames.InputIds => _inputIds,
                ModelGraphNames.AttentionMask => _attentionMask,
                ModelGraphNames.TokenTypeIds => _tokenTypeIds,
                var other => throw new ArgumentException($"no tensor for graph input '{other}'.", nameof(inputNames)),
            };
        return values;
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        _inputIds.Dispose();
        _attentionMask.Dispose();
        _tokenTypeIds.Dispose();
    }
}
