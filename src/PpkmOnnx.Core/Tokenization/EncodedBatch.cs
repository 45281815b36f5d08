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

    /// <summary>
    /// The batch of <paramref name="rows"/> (already truncated, e.g. by <see cref="BertWordPieceTokenizer.EncodeTruncated"/>),
    /// each padded on the right with <paramref name="padId"/> to the longest row (attention mask 0 there); token type ids all zero.
    /// </summary>
    public static EncodedBatch Pad(IReadOnlyList<int[]> rows, int padId)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int longest = 0;
        foreach (var row in rows) longest = Math.Max(longest, row.Length);
        var inputIds = new long[rows.Count * longest];
        var mask = new long[inputIds.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            int offset = r * longest;
            for (int i = 0; i < longest; i++)
            {
                bool real = i < row.Length;
                inputIds[offset + i] = real ? row[i] : padId;
                mask[offset + i] = real ? 1 : 0;
            }
        }
        return new EncodedBatch(inputIds, mask, new long[inputIds.Length], rows.Count, longest);
    }
}
