using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `freeze [pairs=20] [batch=32] [seq=64] [threads=2] [minilm|mdistilbert]`: the trainer's step with the embeddings
/// trained and frozen (<c>--freeze-embeddings</c>), two models from one initialisation stepping in turn on the same batch
/// (the order swapped every pair), so a shared machine's drift falls on both. `mdistilbert` is
/// distilbert-base-multilingual-cased's shape (vocabulary 119,547, 6 × 768 layers, random weights), whose embeddings are
/// two thirds of its parameters. Prints one JSON object: both medians, the median of the per-pair ratios with its
/// quartiles, and the trainable parameter counts.
/// </summary>
internal static class FreezeBench
{
    public static void Run(string[] args)
    {
        int pairs = args.Length > 1 ? int.Parse(args[1]) : 20;
        int batch = args.Length > 2 ? int.Parse(args[2]) : 32;
        int seq = args.Length > 3 ? int.Parse(args[3]) : 64;
        torch.set_num_threads(args.Length > 4 ? int.Parse(args[4]) : 2);
        string shape = args.Length > 5 ? args[5] : "minilm";
        var config = shape switch
        {
            "minilm" => BenchModel.MiniLmConfig(),
            "mdistilbert" => new ModelConfig
            {
                Architecture = ModelArchitecture.DistilBert, VocabSize = 119547, HiddenSize = 768, NumHiddenLayers = 6,
                NumAttentionHeads = 12, IntermediateSize = 3072, MaxPositionEmbeddings = 512, TypeVocabSize = 0,
                Labels = new[] { "negative", "neutral", "positive" },
            },
            _ => throw new ArgumentException($"freeze: shape must be minilm or mdistilbert, got '{shape}'."),
        };

        var models = new SequenceClassifier[2];
        var optimizers = new FlatAdamW[2];
        for (int k = 0; k < 2; k++)
        {
            torch.manual_seed(1);
            models[k] = SequenceClassifierFactory.Create(config);
            models[k].train();
            if (k == 1) models[k].FreezeEmbeddings();
            optimizers[k] = WeightDecayGroups.CreateFlatAdamW(models[k], 2e-5, 0.01);
        }
        var ids = torch.randint(5, config.VocabSize, new long[] { batch, seq });
        var mask = torch.ones(batch, seq, dtype: int64);
        var types = torch.zeros(batch, seq, dtype: int64);
        var labels = torch.randint(0, 3, new long[] { batch });

        double Step(int k)
        {
            var clock = Stopwatch.StartNew();
            using var scope = torch.NewDisposeScope();
            optimizers[k].ZeroGrad();
            nn.functional.cross_entropy(models[k].Forward(ids, mask, types), labels).backward();
            optimizers[k].ClipGradNorm(1.0);
            optimizers[k].Step();
            return clock.Elapsed.TotalSeconds;
        }
        Step(0); Step(1); // warm-up: first-touch of moments and allocator
        var trained = new List<double>();
        var frozen = new List<double>();
        for (int i = 0; i < pairs; i++)
        {
            double a, b;
            if (i % 2 == 0) { a = Step(0); b = Step(1); }
            else { b = Step(1); a = Step(0); }
            trained.Add(a);
            frozen.Add(b);
        }
        var ratios = trained.Zip(frozen, (a, b) => a / b).Order().ToList();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["machine"] = BenchRecord.Machine(),
            ["shape"] = new Dictionary<string, object?> { ["model"] = shape, ["batch"] = batch, ["seq"] = seq, ["pairs"] = pairs },
            ["trainable_parameters"] = new Dictionary<string, long> { ["trained"] = models[0].TrainableParameterCount(), ["frozen"] = models[1].TrainableParameterCount() },
            ["step_seconds_median"] = new Dictionary<string, double> { ["trained"] = Math.Round(BenchRecord.Median(trained), 4), ["frozen"] = Math.Round(BenchRecord.Median(frozen), 4) },
            ["trained_over_frozen"] = new Dictionary<string, double>
            {
                ["median"] = Math.Round(BenchRecord.Median(ratios), 3), ["lower_quartile"] = Math.Round(ratios[ratios.Count / 4], 3),
                ["upper_quartile"] = Math.Round(ratios[3 * ratios.Count / 4], 3),
            },
        }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
