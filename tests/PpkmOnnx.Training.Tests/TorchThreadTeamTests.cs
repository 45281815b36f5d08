using System.Collections.Concurrent;
using PpkmOnnx.Training.Performance;

namespace PpkmOnnx.Training.Tests;

/// <summary><see cref="TorchThreadTeam"/>: C# loops on libtorch's OpenMP threads.</summary>
public class TorchThreadTeamTests
{
    private static List<(long Start, long End, int Thread)> Ranges(long count, long grain, int threads)
    {
        var seen = new ConcurrentBag<(long, long, int)>();
        TorchThreadTeam.For(count, grain, threads, (start, end) => seen.Add((start, end, Environment.CurrentManagedThreadId)));
        return seen.OrderBy(r => r.Item1).ToList();
    }

    [Theory]
    // count, grain, threads, then the ranges worked out by hand: grains split evenly, every range but the last whole grains.
    [InlineData(10, 4, 2, new long[] { 0, 4, 4, 10 })]            // 3 grains: 1 + 2
    [InlineData(10, 4, 1, new long[] { 0, 10 })]
    [InlineData(8, 4, 3, new long[] { 0, 4, 4, 8 })]              // 2 grains cannot feed 3 threads
    [InlineData(3, 4, 2, new long[] { 0, 3 })]                    // less than a grain
    [InlineData(100, 10, 3, new long[] { 0, 30, 30, 60, 60, 100 })] // 10 grains: 3 + 3 + 4
    public void Ranges_cover_the_count_once_in_whole_grains(long count, long grain, int threads, long[] bounds)
    {
        var ranges = Ranges(count, grain, threads);
        Assert.Equal(bounds, ranges.SelectMany(r => new[] { r.Start, r.End }));
    }

    [Fact]
    public void Nothing_runs_for_an_empty_loop_and_bad_arguments_are_refused()
    {
        Assert.Empty(Ranges(0, 4, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreadTeam.For(-1, 4, 2, (_, _) => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreadTeam.For(10, 0, 2, (_, _) => { }));
    }

    [Fact]
    public void Two_threads_run_the_two_ranges_at_the_same_time()
    {
        // Each range waits for the other to start: on one thread, one after the other, this would time out.
        using var bothStarted = new CountdownEvent(2);
        var threads = new ConcurrentBag<int>();
        TorchThreadTeam.For(2, 1, 2, (_, _) =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            bothStarted.Signal();
            Assert.True(bothStarted.Wait(TimeSpan.FromSeconds(30)), "the other range never started");
        });
        Assert.Equal(2, threads.Distinct().Count());
    }

    [Fact]
    public void A_loop_inside_a_loop_runs_on_its_callers_thread()
    {
        var inner = new ConcurrentBag<(int Outer, int Inner)>();
        TorchThreadTeam.For(2, 1, 2, (_, _) =>
        {
            int outer = Environment.CurrentManagedThreadId;
            TorchThreadTeam.For(4, 1, 2, (_, _) => inner.Add((outer, Environment.CurrentManagedThreadId)));
        });
        Assert.Equal(4, inner.Count); // two ranges in each of two ranges
        Assert.All(inner, r => Assert.Equal(r.Outer, r.Inner));
    }

    [Fact]
    public void An_exception_in_a_range_reaches_the_caller_after_the_other_ranges_ran()
    {
        var ran = new ConcurrentBag<long>();
        var e = Assert.Throws<InvalidOperationException>(() => TorchThreadTeam.For(4, 1, 2, (start, end) =>
        {
            ran.Add(start);
            if (start == 0) throw new InvalidOperationException("first range failed");
        }));
        Assert.Equal("first range failed", e.Message);
        Assert.Equal([0L, 2L], ran.Order());
    }
}
