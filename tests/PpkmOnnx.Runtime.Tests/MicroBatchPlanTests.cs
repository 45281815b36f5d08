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
}
