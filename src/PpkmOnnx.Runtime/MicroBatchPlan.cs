namespace PpkmOnnx.Runtime;

/// <summary>
/// Splits texts into micro-batches: sorted by token length so rows of one batch need little padding, each batch
/// at most <c>maxBatchSize</c> rows and <c>maxBatchTokens</c> padded tokens (rows × longest row).
/// </summary>
public static class MicroBatchPlan
{
    /// <summary>Groups of indices into <paramref name="lengths"/>; every index appears exactly once.</summary>
    /// <param name="lengths">Token length of each text.</param>
    /// <param name="maxBatchSize">Most rows per group (at least 1).</param>
    /// <param name="maxBatchTokens">Most padded tokens per group; a single longer row forms its own group.</param>
    public static IReadOnlyList<IReadOnlyList<int>> Plan(IReadOnlyList<int> lengths, int maxBatchSize, int maxBatchTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);
        // Stable ascending order: the row being added is always the longest of its group.
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToList();
        var groups = new List<IReadOnlyList<int>>();
        var current = new List<int>();
        foreach (var i in order)
        {
            bool fits = current.Count < maxBatchSize && (long)(current.Count + 1) * lengths[i] <= maxBatchTokens;
            if (!fits && current.Count > 0)
            {
                groups.Add(current);
                current = [];
            }
            current.Add(i);
        }
        if (current.Count > 0) groups.Add(current);
        return groups;
    }
}
