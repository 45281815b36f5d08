using PpkmOnnx.Runtime;

namespace PpkmOnnx.Runtime.Tests;

public sealed class MicroBatchPlanTests
{
    [Fact]
    public void Every_index_appears_once_within_the_limits_and_sorted_by_length()
    {
        var rng = new Random(5);
        var lengths = Enumerable.Range(0, 200).Select(_ => rng.Next(3, 60)).ToArray();
        var groups = MicroBatchPlan.Plan(lengths, maxBatchSize: 8, maxBatchTokens: 256);
        Assert.Equal(Enumerable.Range(0, 200), groups.SelectMany(g => g).Order());
        foreach (var g in groups)
        {
            Assert.InRange(g.Count, 1, 8);
            Assert.True(g.Count * g.Max(i => lengths[i]) <= 256);
        }
        var flat = groups.SelectMany(g => g).Select(i => lengths[i]).ToArray();
        Assert.Equal(flat.Order(), flat);
    }

    [Fact]
    public void A_row_longer_than_the_budget_runs_alone()
    {
        var groups = MicroBatchPlan.Plan([5, 100, 5], maxBatchSize: 4, maxBatchTokens: 20);
        Assert.Equal(2, groups.Count);
        Assert.Equal([0, 2], groups[0]);
        Assert.Equal([1], groups[1]);
    }

    [Fact]
    public void Batch_size_limits_rows()
    {
        var groups = MicroBatchPlan.Plan(Enumerable.Repeat(4, 10).ToArray(), maxBatchSize: 3, maxBatchTokens: 1000);
        Assert.Equal([3, 3, 3, 1], groups.Select(g => g.Count));
    }

    [Fact]
    public void Cheap_runs_split_where_padding_costs_more_than_a_run()
    {
        // Sorted: 10,10,12,12 | 100,110. One batch pads 6 rows to 110 (660 tokens); two batches cost 4*12 + 2*110
        // = 268 tokens plus one more run. Hand-computed optimum for a run overhead of 16 tokens: the two groups.
        int[] lengths = [100, 10, 12, 110, 10, 12];
        var split = MicroBatchPlan.Plan(lengths, maxBatchSize: 32, maxBatchTokens: 8192, runOverheadTokens: 16);
        Assert.Equal([[1, 4, 2, 5], [0, 3]], split.Select(g => g.ToArray()).ToArray());

        // A dear run (GPU-like) keeps everything together: 660 + 1000 < 268 + 2000.
        var together = MicroBatchPlan.Plan(lengths, maxBatchSize: 32, maxBatchTokens: 8192, runOverheadTokens: 1000);
        Assert.Single(together);

        // Free runs never pad: every distinct length alone.
        var free = MicroBatchPlan.Plan(lengths, maxBatchSize: 32, maxBatchTokens: 8192, runOverheadTokens: 0);
        Assert.All(free, g => Assert.Single(g.Select(i => lengths[i]).Distinct()));
    }

    [Fact]
    public void The_plan_is_optimal_against_brute_force_on_small_inputs()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            var lengths = Enumerable.Range(0, rng.Next(1, 9)).Select(_ => rng.Next(2, 80)).ToArray();
            int maxBatch = rng.Next(1, 6), maxTokens = rng.Next(60, 300);
            long overhead = rng.Next(0, 120);
            var plan = MicroBatchPlan.Plan(lengths, maxBatch, maxTokens, overhead);
            Assert.Equal(Enumerable.Range(0, lengths.Length), plan.SelectMany(g => g).Order());
            Assert.Equal(BruteForceCost(lengths.Order().ToArray(), maxBatch, maxTokens, overhead), Cost(plan, lengths, overhead));
        }
    }

    private static long Cost(IReadOnlyList<IReadOnlyList<int>> plan, int[] lengths, long overhead) =>
        plan.Sum(g => g.Count * (long)g.Max(i => lengths[i]) + overhead);

    /// <summary>Every way to cut the sorted lengths into consecutive groups (2^(n−1) of them) within the limits.</summary>
    private static long BruteForceCost(int[] sorted, int maxBatch, int maxTokens, long overhead)
    {
        long best = long.MaxValue;
        int n = sorted.Length;
        for (int mask = 0; mask < 1 << (n - 1); mask++)
        {
            long cost = 0;
            int start = 0;
            bool ok = true;
            for (int k = 0; k < n && ok; k++)
            {
                bool end = k == n - 1 || (mask & (1 << k)) != 0;
                if (!end) continue;
                int rows = k - start + 1;
                if (rows > maxBatch || (rows > 1 && rows * sorted[k] > maxTokens)) ok = false;
                cost += rows * (long)sorted[k] + overhead;
                start = k + 1;
            }
            if (ok) best = Math.Min(best, cost);
        }
        return best;
    }
}
