using System.Globalization;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Tests.Support;
using LoadGen;

// LoadGen: bounded load on loopback from this process against
//   serve       `ppkm serve` in its own process (the real CLI, started here, stopped at the end),
//   in-process  the same package behind the same dynamic batcher inside this process (no HTTP): the ceiling,
//   node        the peer in tools/NodePeer: transformers.js + onnxruntime-node behind Node's http module, own process,
// each for every client count and round, alternated, with the same texts. Before measuring, each HTTP target must give
// the in-process classifier's labels on 64 texts (agreement and max |Δp| printed). Ratios: serve/in-process (aim ≥ 0.9)
// and serve/node (aim ≥ 1.3 with fp32, ≥ 2 with int8).
//
//   dotnet run -c Release --project tools/LoadGen -- --package DIR [--variant fp32] [--node-variant SAME]
//       [--texts-from FILE] [--text-column NAME] [--clients 16,64] [--duration-s 10] [--rounds 2] [--texts 1]
//       [--max-batch-size 32] [--max-queue-delay-ms 5] [--threads 0] [--parallel-runs 0] [--concurrent-batches 1] [--node-peer tools/NodePeer|none] [--serve none] [--ppkm PATH] [--run-overhead-tokens N (in-process only)]
// Without --package a synthetic tiny model is used (serving overhead only, no node peer).
//
//   dotnet run -c Release --project tools/LoadGen -- soak --url http://127.0.0.1:8080 --pid SERVER_PID [--clients 16]
//       [--duration-min 10] [--report-every-s 30] [--texts-from FILE] [--model NAME] [--out soak.json]
// soaks a running server instead: errors (must be 0), p50/p99 and the server's RSS every interval, to a JSON file.
// The CUDA attempt of provider "auto" fails loudly on machines without CUDA; the provider used is printed below.
var ortOptions = new Microsoft.ML.OnnxRuntime.EnvironmentCreationOptions { logId = "loadgen", logLevel = Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
Microsoft.ML.OnnxRuntime.OrtEnv.CreateInstanceWithOptions(ref ortOptions);
// `soak`: long closed-loop load against a server that is already running (SoakRun), instead of the comparison below.
if (args is ["soak", .. var soakArgs])
{
    var soak = Args.Parse(soakArgs);
    return await SoakRun.RunAsync(soak, ReadTexts(soak.Get("--texts-from"), soak.Get("--text-column")));
}
var opts = Args.Parse(args);
string? syntheticFolder = null;
var package = opts.Get("--package");
if (package is null)
{
    syntheticFolder = Path.Combine(Path.GetTempPath(), "ppkm-loadgen-" + Guid.NewGuid().ToString("N")[..8]);
    TinyPackage.Create(7, withTokenTypeIds: true, maxLength: 64).WriteTo(syntheticFolder);
    package = syntheticFolder;
    Console.WriteLine("no --package: using a synthetic tiny model (measures serving overhead, not a real model).");
}
else if (!Directory.Exists(package))
{
    Console.Error.WriteLine($"error: {package}: model package folder not found.");
    return 2;
}
package = Path.GetFullPath(package);
var variantName = opts.Get("--variant") ?? "fp32";
var variant = ModelPackageLayout.ParseVariant(variantName);
var nodeVariant = opts.Get("--node-variant") ?? variantName;
var clientCounts = (opts.Get("--clients") ?? "16,64").Split(',').Select(int.Parse).ToArray();
var duration = TimeSpan.FromSeconds(double.Parse(opts.Get("--duration-s") ?? "10", CultureInfo.InvariantCulture));
int rounds = int.Parse(opts.Get("--rounds") ?? "2");
int textsPerRequest = int.Parse(opts.Get("--texts") ?? "1");
int maxBatch = int.Parse(opts.Get("--max-batch-size") ?? "32");
int threads = int.Parse(opts.Get("--threads") ?? "0");
int concurrentBatches = int.Parse(opts.Get("--concurrent-batches") ?? "1");
// The server's defaults: one single-threaded run per processor unless told otherwise.
int parallelRuns = int.Parse(opts.Get("--parallel-runs") ?? "0");
var (inProcessRuns, runThreads) = ClassifierOptions.ResolveThreading(parallelRuns, threads);
var delayMs = double.Parse(opts.Get("--max-queue-delay-ms") ?? "5", CultureInfo.InvariantCulture);
var repoRoot = RepoPaths.FindRoot();

var texts = ReadTexts(opts.Get("--texts-from"), opts.Get("--text-column"));
Console.WriteLine($"texts: {texts.Length} ({(opts.Get("--texts-from") is { } f ? Path.GetFileName(f) : "synthetic")}), mean {texts.Average(t => t.Length):F0} characters");

try
{
    using var classifier = SentimentClassifier.Load(package, new ClassifierOptions
    {
        Variant = variant, IntraOpThreads = runThreads, ParallelRuns = inProcessRuns, MaxBatchSize = maxBatch,
        RunOverheadTokens = opts.Get("--run-overhead-tokens") is { } overhead ? long.Parse(overhead, CultureInfo.InvariantCulture) : null,
    });
    await using var batcher = DynamicBatcher.Start("model", classifier, new BatcherOptions
    {
        MaxBatchSize = maxBatch, MaxQueueDelay = TimeSpan.FromMilliseconds(delayMs), MaxQueuedTexts = 1_000_000, ConcurrentBatches = concurrentBatches,
    });
    var targets = new List<ILoadTarget> { new InProcessTarget(batcher) };

    var ppkm = opts.Get("--ppkm") ?? (opts.Get("--serve") == "none" ? "" : RepoPaths.CliAssembly(repoRoot));
    var serveArgs = new List<string>
    {
        "serve", "--model", $"model={package}:{variantName}", "--port", "{port}", "--threads", threads.ToString(CultureInfo.InvariantCulture),
        "--parallel-runs", parallelRuns.ToString(CultureInfo.InvariantCulture), "--max-batch-size", maxBatch.ToString(CultureInfo.InvariantCulture), "--max-queue-delay-ms", delayMs.ToString(CultureInfo.InvariantCulture),
        "--max-queued-texts", "1000000", "--concurrent-batches", concurrentBatches.ToString(CultureInfo.InvariantCulture), "--max-texts", Math.Max(64, textsPerRequest).ToString(CultureInfo.InvariantCulture),
    };
    if (opts.Get("--serve") != "none")
        targets.Insert(0, await HttpTarget.StartAsync("serve", "dotnet", [ppkm, .. serveArgs], clientCounts.Max()));

    var nodePeer = opts.Get("--node-peer") ?? Path.Combine(repoRoot, "tools", "NodePeer");
    if (syntheticFolder is not null || nodePeer == "none")
        Console.WriteLine("node peer: not measured (synthetic model or --node-peer none).");
    else if (!Directory.Exists(Path.Combine(nodePeer, "node_modules")))
        Console.WriteLine($"node peer: not measured: {nodePeer}/node_modules missing (run `npm ci --prefix {nodePeer}`).");
    else
        targets.Add(await HttpTarget.StartAsync("node", "node",
            [Path.Combine(nodePeer, "server.js"), "--package", package, "--variant", nodeVariant, "--port", "{port}", "--threads", threads.ToString(CultureInfo.InvariantCulture)],
            clientCounts.Max()));

    try
    {
        Console.WriteLine($"model: {classifier.Info.Name} {classifier.Info.VariantName} on {classifier.ExecutionProvider} (node peer: {nodeVariant}); " +
                          $"{Environment.ProcessorCount} cores; {textsPerRequest} text(s)/request; batch ≤{maxBatch}, delay {delayMs} ms; {concurrentBatches} concurrent batch(es), {inProcessRuns} parallel run(s) × {runThreads} intra-op thread(s) (0: ORT's choice); " +
                          $"{duration.TotalSeconds} s per run, {rounds} round(s), modes alternated");

        var sample = texts.Take(64).ToArray();
        var reference = await classifier.ClassifyAsync(sample);
        foreach (var remote in targets.OfType<HttpTarget>())
        {
            var answers = await remote.ClassifyAsync(sample);
            var (agree, maxDelta) = Agreement.Compare(reference, answers);
            Console.WriteLine($"agreement {remote.Name} vs in-process on {sample.Length} texts: labels {agree}/{sample.Length}, max |Δp| {maxDelta:E1}");
            // Dynamic INT8 quantizes activations with one scale per tensor, so a text's result depends on what it was
            // batched (and padded) with: the peer batches a request's texts its own way. FP32 must agree exactly.
            int allowed = variant == ModelVariant.Fp32 && (remote.Name != "node" || nodeVariant == "fp32") ? 1 : sample.Length / 10;
            if (sample.Length - agree > allowed)
                throw new InvalidOperationException($"{remote.Name} disagrees with the in-process classifier on {sample.Length - agree} texts: not the same model.");
        }

        Console.WriteLine($"{"clients",7} {"mode",-10} {"requests",8} {"req/s",9} {"texts/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var clients in clientCounts)
        {
            var runs = targets.ToDictionary(t => t.Name, _ => new List<LoadResult>());
            for (int round = 0; round < rounds; round++)
                foreach (var target in round % 2 == 0 ? targets : Enumerable.Reverse(targets))
                    runs[target.Name].Add(await LoadRun.RunAsync(target, clients, duration, textsPerRequest, texts));
            var merged = runs.ToDictionary(r => r.Key, r => LoadResult.Merge(r.Value));
            foreach (var (name, r) in merged)
                Console.WriteLine($"{clients,7} {name,-10} {r.Requests,8} {r.RequestsPerSecond,9:F1} {r.RequestsPerSecond * textsPerRequest,9:F1} {r.P50,8:F2} {r.P95,8:F2} {r.P99,8:F2}");
            if (!merged.TryGetValue("serve", out var serve)) continue;
            Console.WriteLine($"{clients,7} ratio      serve/in-process throughput {serve.RequestsPerSecond / merged["in-process"].RequestsPerSecond:F2} (aim ≥ 0.9)");
            if (merged.TryGetValue("node", out var node))
                Console.WriteLine($"{clients,7} ratio      serve/node throughput {serve.RequestsPerSecond / node.RequestsPerSecond:F2}, p50 latency node/serve {node.P50 / serve.P50:F2}x");
        }
    }
    finally
    {
        foreach (var remote in targets.OfType<HttpTarget>()) await remote.DisposeAsync();
    }
    return 0;
}
finally
{
    if (syntheticFolder is not null) Directory.Delete(syntheticFolder, recursive: true);
}

static string[] ReadTexts(string? path, string? textColumn)
{
    if (path is null)
    {
        var words = TinyPackage.TweetVocabulary.Where(w => !w.StartsWith('[') && !w.StartsWith("##", StringComparison.Ordinal)).ToArray();
        var rng = new Random(42);
        return Enumerable.Range(0, 512).Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(4, 30)).Select(_ => words[rng.Next(words.Length)]))).ToArray();
    }
    using var reader = TextRowReader.Open(path, new TextRowReaderOptions { TextColumn = textColumn });
    return reader.ReadRows().Select(r => r.Text).Take(2048).ToArray();
}
