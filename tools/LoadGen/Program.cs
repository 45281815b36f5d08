using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Tests.Common;

// LoadGen: bounded load on loopback. For each client count, the same texts go (a) through `ppkm serve` over HTTP and
// (b) straight into the same model behind the same dynamic batcher in-process; the ratio is the HTTP overhead.
//   dotnet run -c Release --project tools/LoadGen -- [--package DIR] [--variant fp32] [--clients 16,64]
//       [--duration-s 5] [--max-requests 20000] [--texts 1] [--max-batch-size 32] [--max-queue-delay-ms 5] [--threads 0]
//       [--write-synthetic DIR]
var opts = Args.Parse(args);
string? syntheticFolder = null;
var package = opts.Get("--package");
if (opts.Get("--write-synthetic") is { } target)
{
    TinyPackage.Create(7, withTokenTypeIds: true, maxLength: 64).WriteTo(target);
    Console.WriteLine($"wrote a synthetic tiny package to {target}");
    return 0;
}
if (package is null)
{
    syntheticFolder = Path.Combine(Path.GetTempPath(), "ppkm-loadgen-" + Guid.NewGuid().ToString("N")[..8]);
    TinyPackage.Create(7, withTokenTypeIds: true, maxLength: 64).WriteTo(syntheticFolder);
    package = syntheticFolder;
    Console.WriteLine("no --package: using a synthetic tiny model (measures serving overhead, not a real model).");
}
var variant = ModelPackageLayout.ParseVariant(opts.Get("--variant") ?? "fp32");
var clientCounts = (opts.Get("--clients") ?? "16,64").Split(',').Select(int.Parse).ToArray();
var duration = TimeSpan.FromSeconds(double.Parse(opts.Get("--duration-s") ?? "5", System.Globalization.CultureInfo.InvariantCulture));
int maxRequests = int.Parse(opts.Get("--max-requests") ?? "20000");
int textsPerRequest = int.Parse(opts.Get("--texts") ?? "1");
int maxBatch = int.Parse(opts.Get("--max-batch-size") ?? "32");
int threads = int.Parse(opts.Get("--threads") ?? "0");
var delay = TimeSpan.FromMilliseconds(double.Parse(opts.Get("--max-queue-delay-ms") ?? "5", System.Globalization.CultureInfo.InvariantCulture));

var words = TinyPackage.Vocabulary.Where(w => !w.StartsWith('[') && !w.StartsWith("##", StringComparison.Ordinal)).ToArray();
var rng = new Random(42);
var texts = Enumerable.Range(0, 512).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(4, 30)).Select(_ => words[rng.Next(words.Length)]))).ToArray();

try
{
    var serverOptions = new ServerOptions
    {
        Models = [new ModelRegistration("model", package, variant)],
        Urls = "http://127.0.0.1:0",
        IntraOpThreads = threads,
        MaxBatchSize = maxBatch,
        MaxQueueDelay = delay,
        MaxQueuedTexts = 1_000_000,
        MaxTextsPerRequest = Math.Max(64, textsPerRequest),
    };
    await using var app = ServerApp.Build(serverOptions, b => b.Logging.ClearProviders());
    await app.StartAsync();
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(app.Urls.First()) };
    while (!(await http.GetAsync("/readyz")).IsSuccessStatusCode) await Task.Delay(50);

    using var classifier = SentimentClassifier.Load(package, new ClassifierOptions { Variant = variant, IntraOpThreads = threads, MaxBatchSize = maxBatch });
    await using var batcher = DynamicBatcher.Start("model", classifier, new BatcherOptions { MaxBatchSize = maxBatch, MaxQueueDelay = delay, MaxQueuedTexts = 1_000_000 });
    Console.WriteLine($"model: {classifier.Info.Name} {classifier.Info.VariantName} on {classifier.ExecutionProvider}; {Environment.ProcessorCount} cores; " +
                      $"{textsPerRequest} text(s)/request; batch ≤{maxBatch}, delay {delay.TotalMilliseconds} ms; {duration.TotalSeconds} s or {maxRequests} requests per run");
    Console.WriteLine($"{"clients",7} {"mode",-10} {"requests",8} {"req/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");

    foreach (var clients in clientCounts)
    {
        async Task CallHttp(string[] batch)
        {
            using var response = await http.PostAsJsonAsync("/v1/classify", new { inputs = batch });
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
        }
        async Task CallInProcess(string[] batch) => await batcher.ClassifyAsync(batch);

        var server = await Load.RunAsync("http", clients, duration, maxRequests, textsPerRequest, texts, CallHttp);
        var inProcess = await Load.RunAsync("in-process", clients, duration, maxRequests, textsPerRequest, texts, CallInProcess);
        foreach (var r in new[] { server, inProcess })
            Console.WriteLine($"{clients,7} {r.Mode,-10} {r.Requests,8} {r.RequestsPerSecond,9:F1} {r.P50,8:F2} {r.P95,8:F2} {r.P99,8:F2}");
        Console.WriteLine($"{clients,7} ratio      http/in-process throughput {server.RequestsPerSecond / inProcess.RequestsPerSecond:F2}, p50 latency {server.P50 / inProcess.P50:F2}x");
    }
    await app.StopAsync();
    return 0;
}
finally
{
    if (syntheticFolder is not null) Directory.Delete(syntheticFolder, recursive: true);
}

/// <summary>One load run: <c>clients</c> loops calling until the duration or the request bound is reached.</summary>
internal static class Load
{
    public sealed record Result(string Mode, int Requests, double RequestsPerSecond, double P50, double P95, double P99);

    public static async Task<Result> RunAsync(string mode, int clients, TimeSpan duration, int maxRequests, int textsPerRequest, string[] texts, Func<string[], Task> call)
    {
        // Warm-up outside the measurement.
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => call(Pick(texts, c, textsPerRequest))));
        var latencies = new List<double>[clients];
        int issued = 0;
        var total = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            int n;
            while (Stopwatch.GetTimestamp() < deadline && (n = Interlocked.Increment(ref issued)) <= maxRequests)
            {
                var started = Stopwatch.GetTimestamp();
                await call(Pick(texts, n, textsPerRequest));
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var elapsed = total.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double P(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
        return new Result(mode, all.Length, all.Length / elapsed, P(0.50), P(0.95), P(0.99));
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
