namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// A batch ready for a BERT-family model: row-major <c>[BatchSize, SequenceLength]</c> arrays, padded on the
/// right with the vocabulary's pad id to the longest sequence in the batch (dynamic padding).
/// </summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="AttentionMask">1 for real tokens, 0 for padding.</param>
/// <param name="TokenTypeIds">Segment ids (all 0 for single sentences).</param>
/// <param name="BatchSize">Rows.</param>
/// <param name="SequenceLength">Columns (the longest row after truncation).</param>
public sealed record EncodedBatch(long[] InputIds, long[] AttentionMask, long[] TokenTypeIds, int BatchSize, int SequenceLength)
{
    /// <summary>Number of real (unpadded) tokens in the batch.</summary>
    public long RealTokenCount => AttentionMask.Sum();
}
