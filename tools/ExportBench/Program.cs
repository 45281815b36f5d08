using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Pretrained;

// ExportBench: our fused FP32 MiniLM graph vs the original PyTorch-exported model.onnx, same inputs, same threads,
// interleaved runs, medians. Usage: ExportBench [--threads 2] [--seconds-per-cell 6] [--min-rounds 3]
int threads = 2;
double secondsPerCell = 6;
int minRounds = 3;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--threads": threads = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--seconds-per-cell": secondsPerCell = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--min-rounds": minRounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"ExportBench: unknown option {args[i]}"); return 2;
    }
}

var work = Path.Combine(Path.GetTempPath(), "ppkm-exportbench-" + Guid.NewGuid().ToString("N")[..8]);
try
{
    var imported = PretrainedImporter.Import(PretrainedCatalog.MiniLm, Path.Combine(work, "minilm"));
    var exported = OnnxExporter.Export(new ExportOptions { CheckpointFolder = imported.Folder, OutputFolder = Path.Combine(work, "package"), Flavour = GraphFlavour.Fused, MaxLength = 128 });
    var originalBytes = PretrainedImporter.ReadOriginalModel(PretrainedCatalog.MiniLm);

    using var options = new SessionOptions
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        IntraOpNumThreads = threads,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
    };
    using var original = new InferenceSession(originalBytes, options);
    using var ours = new InferenceSession(exported.ModelPath, options);
    Console.WriteLine($"MiniLM-L6 FP32 on ONNX Runtime CPU, intra-op threads {threads}; original = PyTorch-exported model.onnx (ORT_ENABLE_ALL), ours = fused export.");
    Console.WriteLine($"{"batch",5} {"seq",4} {"rounds",6} {"original ms",12} {"ours ms",9} {"orig/ours",9} {"ours seq/s",10}");

    var rng = new Random(42);
    foreach (var batch in new[] { 1, 8, 32 })
    {
        foreach (var seq in new[] { 32, 64, 128 })
        {
            var shape = new long[] { batch, seq };
            var ids = new long[batch * seq];
            var mask = new long[batch * seq];
            var types = new long[batch * seq];
            for (int r = 0; r < batch; r++)
            {
                // Varied real lengths so padding is part of the work, as in a dynamic-padded batch.
                int length = r == 0 ? seq : rng.Next(seq / 2, seq + 1);
                for (int c = 0; c < seq; c++)
                {
                    bool real = c < length;
                    ids[r * seq + c] = !real ? 0 : c == 0 ? 101 : c == length - 1 ? 102 : rng.Next(1000, 30000);
                    mask[r * seq + c] = real ? 1 : 0;
                }
            }
            double Run(InferenceSession session)
            {
                using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
                using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
                using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
                using var runOptions = new RunOptions();
                var sw = Stopwatch.StartNew();
                using var outputs = session.Run(runOptions, new[] { "input_ids", "attention_mask", "token_type_ids" }, new[] { idsValue, maskValue, typesValue }, new[] { "last_hidden_state" });
                return sw.Elapsed.TotalMilliseconds;
            }
            // Warm-up, then alternate the two models so load changes on a shared machine hit both alike.
            Run(original); Run(ours);
            var a = new List<double>();
            var b = new List<double>();
            var cell = Stopwatch.StartNew();
            while (a.Count < minRounds || (cell.Elapsed.TotalSeconds < secondsPerCell && a.Count < 50))
            {
                if (a.Count % 2 == 0) { a.Add(Run(original)); b.Add(Run(ours)); }
                else { b.Add(Run(ours)); a.Add(Run(original)); }
            }
            double ma = Median(a), mb = Median(b);
            Console.WriteLine($"{batch,5} {seq,4} {a.Count,6} {ma,12:F2} {mb,9:F2} {ma / mb,9:F2} {batch * 1000 / mb,10:F1}");
        }
    }
    return 0;
}
finally
{
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    int n = sorted.Count;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
