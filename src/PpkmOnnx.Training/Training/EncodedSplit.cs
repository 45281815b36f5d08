using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// A split tokenized once (truncated to the maximum length, [CLS] … [SEP]) and cut into length-bucketed batches,
/// each padded only to its own longest row.
/// </summary>
internal sealed class EncodedSplit
{
    private readonly int[][] _ids;
    private readonly int[] _labels;
    private readonly long _padId;

    private EncodedSplit(int[][] ids, int[] labels, long padId)
    {
        _ids = ids;
        _labels = labels;
        _padId = padId;
    }

    public int Count => _ids.Length;

    /// <summary>Mean tokens per row ([CLS] and [SEP] included).</summary>
    public double MeanLength => _ids.Length == 0 ? 0 : _ids.Average(r => r.Length);

    public static EncodedSplit Create(IReadOnlyList<LabelledText> rows, BertWordPieceTokenizer tokenizer, int maxLength)
    {
        var ids = new int[rows.Count][];
        var labels = new int[rows.Count];
        Parallel.For(0, rows.Count, i =>
        {
            var pieces = tokenizer.EncodeToIds(rows[i].Text, addSpecialTokens: false);
            int keep = Math.Min(pieces.Count, maxLength - 2);
            var row = new int[keep + 2];
            row[0] = tokenizer.ClsId;
            for (int j = 0; j < keep; j++) row[j + 1] = pieces[j];
            row[keep + 1] = tokenizer.SepId;
            ids[i] = row;
            labels[i] = rows[i].Label;
        });
        return new EncodedSplit(ids, labels, tokenizer.PadId);
    }

    /// <summary>
    /// Training order: rows shuffled, stably sorted by length (so equal lengths stay shuffled), cut into batches,
    /// and the batches shuffled — similar lengths share a batch, the batch order is random.
    /// </summary>
    public List<int[]> ShuffledBuckets(int batchSize, Random random)
    {
        var order = Enumerable.Range(0, Count).ToArray();
        random.Shuffle(order);
        order = order.OrderBy(i => _ids[i].Length).ToArray();
        var batches = order.Chunk(batchSize).ToList();
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled.ToList();
    }

    /// <summary>Evaluation order: sorted by length, not shuffled (results are mapped back by index).</summary>
    public List<int[]> SortedBatches(int batchSize) =>
        Enumerable.Range(0, Count).OrderBy(i => _ids[i].Length).Chunk(batchSize).ToList();

    public int Label(int index) => _labels[index];

    /// <summary>The rows <paramref name="indices"/> padded to their longest one.</summary>
    public EncodedBatch Batch(int[] indices)
    {
        int longest = indices.Max(i => _ids[i].Length);
        var input = new long[indices.Length * longest];
        var mask = new long[input.Length];
        for (int r = 0; r < indices.Length; r++)
        {
            var row = _ids[indices[r]];
            for (int c = 0; c < longest; c++)
            {
                bool real = c < row.Length;
                input[r * longest + c] = real ? row[c] : _padId;
                mask[r * longest + c] = real ? 1 : 0;
            }
        }
        return new EncodedBatch(input, mask, new long[input.Length], indices.Length, longest);
    }

    public long[] Labels(int[] indices) => indices.Select(i => (long)_labels[i]).ToArray();
}
