using System.Diagnostics;

namespace LoadGen;

/// <summary>One mode's measurement: request count, wall time and every request's latency.</summary>
internal sealed record LoadResult(int Requests, double Seconds, double[] LatenciesMs)
{
    public double RequestsPerSecond => Requests / Seconds;
    public double P50 => Percentile(0.50);
    public double P95 => Percentile(0.95);
    public double P99 => Percentile(0.99);

    private double Percentile(double q) =>
        LatenciesMs.Length == 0 ? double.NaN : LatenciesMs[Math.Min(LatenciesMs.Length - 1, (int)Math.Ceiling(q * LatenciesMs.Length) - 1)];

    /// <summary>Rounds of one mode pooled: requests over total time, latencies together.</summary>
    public static LoadResult Merge(IReadOnlyList<LoadResult> rounds) =>
        new(rounds.Sum(r => r.Requests), rounds.Sum(r => r.Seconds), rounds.SelectMany(r => r.LatenciesMs).Order().ToArray());
}

/// <summary>Closed-loop load: <c>clients</c> loops, each sending its next request when the last is answered, for a fixed time.</summary>
internal static class LoadRun
{
    public static async Task<LoadResult> RunAsync(ILoadTarget target, int clients, TimeSpan duration, int textsPerRequest, string[] texts)
    {
        // Warm-up outside the measurement: every connection opened, every thread pool grown.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => target.CallAsync(Pick(texts, c, textsPerRequest))));
        var latencies = new List<double>[clients];
        int issued = 0;
        var total = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                int n = Interlocked.Increment(ref issued);
                var started = Stopwatch.GetTimestamp();
                await target.CallAsync(Pick(texts, n, textsPerRequest));
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var seconds = total.Elapsed.TotalSeconds;
        return new LoadResult(latencies.Sum(l => l.Count), seconds, latencies.SelectMany(l => l).Order().ToArray());
    }

    private static string[] Pick(string[] texts, int n, int count) => Enumerable.Range(0, count).Select(k => texts[(n * 7 + k) % texts.Length]).ToArray();
}

/// <summary>--name value pairs.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = [];

    public static Args Parse(string[] args)
    {
        var parsed = new Args();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"expected --name value pairs, got '{args[i]}'.");
            parsed._values[args[i]] = args[++i];
        }
        return parsed;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);
}
