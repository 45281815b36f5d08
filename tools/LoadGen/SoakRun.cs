using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// <c>LoadGen soak</c>: closed-loop load from N clients for a long time against a server that is already running (any
/// <c>ppkm serve</c> or <c>ppkm-serve</c> URL), reporting every interval the requests, errors, p50/p99 latency and the
/// server process's resident memory (VmRSS of /proc/PID/status), so a leak or a slow-down shows as a trend. Written to a
/// JSON file; the exit code is 1 when any request failed.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(Args opts, string[] texts)
    {
        var url = opts.Get("--url") ?? throw new ArgumentException("soak needs --url of a running server (e.g. http://127.0.0.1:8080).");
        int? pid = opts.Get("--pid") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : null;
        int clients = int.Parse(opts.Get("--clients") ?? "16", CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromMinutes(double.Parse(opts.Get("--duration-min") ?? "10", CultureInfo.InvariantCulture));
        var every = TimeSpan.FromSeconds(double.Parse(opts.Get("--report-every-s") ?? "30", CultureInfo.InvariantCulture));
        var output = opts.Get("--out") ?? "soak.json";
        var model = opts.Get("--model");
        if (clients < 1 || duration <= TimeSpan.Zero || every <= TimeSpan.Zero) throw new ArgumentException("--clients, --duration-min and --report-every-s must be positive.");
        if (pid is { } id && ResidentMegabytes(id) is null) throw new ArgumentException($"--pid {id}: no such process (or /proc/{id}/status unreadable).");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        // A protected server: the first key of PPKM_API_KEYS (the environment, never the command line, which `ps` shows).
        if (Environment.GetEnvironmentVariable("PPKM_API_KEYS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } key)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var latencies = new ConcurrentQueue<double>();
        var allLatencies = new ConcurrentBag<double>();
        var errorSamples = new ConcurrentQueue<string>();
        long errors = 0, intervalErrors = 0;
        var cpu = CpuModel();
        Console.WriteLine($"soak: {clients} clients for {duration.TotalMinutes:G} min against {url}{(pid is null ? "" : $" (server pid {pid})")}; report every {every.TotalSeconds:G} s to {output}; CPU {cpu}, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"t s",6} {"requests",9} {"req/s",8} {"errors",7} {"p50 ms",8} {"p99 ms",8} {"rss MB",8}");

        var intervals = new List<object>();
        var started = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        int issued = 0;
        var load = Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                int n = Interlocked.Increment(ref issued);
                var body = model is null ? (object)new { inputs = texts[(n * 7) % texts.Length] } : new { inputs = texts[(n * 7) % texts.Length], model };
                var t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.PostAsJsonAsync("/v1/classify", body);
                    var content = await response.Content.ReadAsStringAsync();
                    if (!response.IsSuccessStatusCode) Fail($"{(int)response.StatusCode} {content}");
                    else
                    {
                        var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                        latencies.Enqueue(ms);
                        allLatencies.Add(ms);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Fail($"{e.GetType().Name}: {e.Message}");
                    await Task.Delay(100); // a server that is down must not turn the loop into a spin
                }
            }
        })));

        void Fail(string what)
        {
            Interlocked.Increment(ref errors);
            Interlocked.Increment(ref intervalErrors);
            if (errorSamples.Count < 10) errorSamples.Enqueue(what);
        }

        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var next = lastReport + every;
            // The last interval runs to the end of the load, so the requests still in flight at the deadline land in it.
            var finished = next >= duration
                ? await load.ContinueWith(_ => true)
                : await Task.WhenAny(load, Task.Delay(next - started.Elapsed > TimeSpan.Zero ? next - started.Elapsed : TimeSpan.Zero)) == load;
            var now = started.Elapsed;
            var batch = new List<double>();
            while (latencies.TryDequeue(out var ms)) batch.Add(ms);
            batch.Sort();
            var rss = pid is { } id2 ? ResidentMegabytes(id2) : null;
            var failed = Interlocked.Exchange(ref intervalErrors, 0);
            var seconds = (now - lastReport).TotalSeconds;
            intervals.Add(new
            {
                t_s = Math.Round(now.TotalSeconds, 1),
                requests = batch.Count,
                requests_per_s = Math.Round(batch.Count / seconds, 1),
                errors = failed,
                p50_ms = Rounded(batch, 0.50),
                p99_ms = Rounded(batch, 0.99),
                rss_mb = rss,
            });
            Console.WriteLine($"{now.TotalSeconds,6:F0} {batch.Count,9} {batch.Count / seconds,8:F1} {failed,7} {Percentile(batch, 0.50),8:F2} {Percentile(batch, 0.99),8:F2} {(rss is null ? "-" : rss.Value.ToString("F1", CultureInfo.InvariantCulture)),8}");
            lastReport = now;
            if (finished) break;
        }
        await load;

        var all = allLatencies.Order().ToList();
        var report = new
        {
            tool = "LoadGen soak",
            url,
            server_pid = pid,
            model,
            clients,
            duration_s = Math.Round(started.Elapsed.TotalSeconds, 1),
            report_every_s = every.TotalSeconds,
            cpu,
            cores = Environment.ProcessorCount,
            started_utc = DateTime.UtcNow - started.Elapsed,
            requests = all.Count,
            errors = Interlocked.Read(ref errors),
            error_samples = errorSamples.ToArray(),
            requests_per_s = Math.Round(all.Count / started.Elapsed.TotalSeconds, 1),
            p50_ms = Rounded(all, 0.50),
            p99_ms = Rounded(all, 0.99),
            intervals,
        };
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"total: {all.Count} requests ({report.requests_per_s} req/s), {report.errors} errors, p50 {report.p50_ms} ms, p99 {report.p99_ms} ms -> {output}");
        foreach (var sample in errorSamples) Console.WriteLine($"error: {sample}");
        return report.errors == 0 ? 0 : 1;
    }

    // JSON has no NaN: an interval without a successful request has no latency (null).
    private static double? Rounded(List<double> sorted, double q) => sorted.Count == 0 ? null : Math.Round(Percentile(sorted, q), 2);

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Count) - 1))];

    /// <summary>VmRSS of the process in MB, or null when it is gone.</summary>
    private static double? ResidentMegabytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    // lscpu's "Model name" comes from here.
    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
