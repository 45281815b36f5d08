namespace PpkmOnnx.Runtime;

/// <summary>
/// Splits texts into micro-batches: sorted by token length, then cut where padding would cost more than another
/// session run. Each batch holds at most <c>maxBatchSize</c> rows and <c>maxBatchTokens</c> padded tokens
/// (rows × longest row).
/// </summary>
/// <remarks>
/// The cut points minimise <c>Σ (rows × longest row) + runs × runOverheadTokens</c> exactly (dynamic programming over
/// the sorted lengths). On a CPU a padded token costs as much as a real one and a run costs little, so a batch of 32
/// tweets of 10–120 tokens becomes several batches of similar lengths; on a GPU padding is nearly free and a run is
/// dear, so it stays one batch. With <see cref="FewestRuns"/> (the default) it makes the fewest runs, as greedy filling does.
/// </remarks>
public static class MicroBatchPlan
{
    /// <summary>A run overhead so large that the plan has the fewest runs (then the least padding); small enough not to overflow.</summary>
    public const long FewestRuns = 1L << 40;

    /// <summary>Groups of indices into <paramref name="lengths"/>, shortest texts first; every index appears exactly once.</summary>
    /// <param name="lengths">Token length of each text.</param>
    /// <param name="maxBatchSize">Most rows per group (at least 1).</param>
    /// <param name="maxBatchTokens">Most padded tokens per group; a single longer row forms its own group.</param>
    /// <param name="runOverheadTokens">What one more session run costs, in padded tokens (0 or more).</param>
    public static IReadOnlyList<IReadOnlyList<int>> Plan(IReadOnlyList<int> lengths, int maxBatchSize, int maxBatchTokens, long runOverheadTokens = FewestRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(runOverheadTokens);
        runOverheadTokens = Math.Min(runOverheadTokens, FewestRuns);
        // Stable ascending order: the last row of a group is always its longest.
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        int n = order.Length;
        if (n == 0) return [];

        // best[j]: least cost of the first j sorted rows; cut[j]: where the last group of that optimum starts.
        // Ties keep the shortest last group, so equal-cost plans fill their early (shorter) groups first, as greedy filling does.
        var best = new long[n + 1];
        var cut = new int[n + 1];
        for (int j = 1; j <= n; j++)
        {
            long longest = lengths[order[j - 1]];
            best[j] = long.MaxValue;
            for (int i = j - 1; i >= 0 && j - i <= maxBatchSize; i--)
            {
                int rows = j - i;
                if (rows > 1 && rows * longest > maxBatchTokens) break;
                long cost = best[i] + rows * longest + runOverheadTokens;
                if (cost < best[j]) { best[j] = cost; cut[j] = i; }
            }
        }
        var groups = new List<IReadOnlyList<int>>();
        for (int j = n; j > 0; j = cut[j]) groups.Add(order[cut[j]..j]);
        groups.Reverse();
        return groups;
    }
}
