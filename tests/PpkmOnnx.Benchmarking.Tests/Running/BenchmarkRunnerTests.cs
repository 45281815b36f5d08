using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Benchmarking.Running;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Benchmarking.Tests.Running;

public class BenchmarkRunnerTests
{
    private const int MaxLength = 16;
    private const int MaxPositions = 64;

    // Gold labels are the truth a reader would give; the tiny model gets some wrong (e.g. "not good", and the long
    // text whose positive words fall past the 16-token truncation).
    private static readonly (string Text, int Gold)[] Split =
    [
        ("good movie", 2), ("great", 2), ("bad movie", 0), ("awful", 0), ("ok", 1), ("the movie is fine", 1),
        ("not good", 0), ("movies", 1), ("the movie", 1), ("bad", 0), ("great movie!!", 2), ("fine", 1),
        ("ok ok good", 1), ("the the the the the the the the the the the the the the great great great great", 2),
        ("not bad", 1), ("AWFUL, awful", 0), ("good good bad", 2),
    ];

    private static BenchmarkDataset Dataset() =>
        BenchmarkDataset.Create(Split.Select(s => s.Text).ToArray(), Split.Select(s => s.Gold).ToArray(), TinyPackage.LabelNames, "tiny-test");

    private static BenchmarkOptions Options(string package) => new()
    {
        Models = [BenchmarkModelInput.ForPackage(package)],
        Dataset = Dataset(),
        Provider = ExecutionProviderPreference.Cpu,
        IntraOpThreads = 1,
        Repeats = 2,
        Iterations = 3,
        WarmupIterations = 1,
        BatchSizes = [1, 4],
        SequenceLengths = [8],
        EvaluationBatchSize = 5,
        MaxBatchesPerCell = 3,
        TorchSharpVersion = "0.107.0",
    };

    /// <summary>A package with model.onnx (reference weights) and model.int8.onnx (rounded weights), a checkpoint with training.json.</summary>
    private static string MakePackage(TempFolder temp, bool withTokenTypeIds = false)
    {
        var package = temp.Combine("package");
        TinyPackage.HandSet(withTokenTypeIds).WriteTo(package, maxPositions: MaxPositions, exportedMaxLength: MaxLength);
        TinyPackage.HandSet(withTokenTypeIds).Rounded().WriteTo(package, ModelVariant.Int8, maxPositions: MaxPositions, exportedMaxLength: MaxLength);
        var checkpoint = temp.Combine("checkpoint");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "training.json"), """
            {"stage": "train", "status": "completed", "wall_seconds": 42.5, "trainable_parameters": 57,
             "hyperparameters": {"learning_rate": 2e-5, "batch_size": 4, "epochs": 2, "max_length": 16, "seed": 1},
             "epochs": [{"epoch": 1, "train_loss": 1.0, "validation_loss": 0.9, "learning_rate": 1e-5, "steps": 2, "seconds": 1.5, "is_best": true,
                         "validation": {"accuracy": 0.5, "weighted_precision": 0.5, "weighted_recall": 0.5, "weighted_f1": 0.5, "macro_precision": 0.4,
                                        "macro_recall": 0.4, "macro_f1": 0.4, "per_class": [], "confusion_matrix": [], "count": 4}},
                        {"epoch": 2, "train_loss": 0.5, "validation_loss": 0.7, "learning_rate": 0, "steps": 2, "seconds": 1.25, "is_best": true,
                         "validation": {"accuracy": 0.75, "weighted_precision": 0.7, "weighted_recall": 0.75, "weighted_f1": 0.7, "macro_precision": 0.6,
                                        "macro_recall": 0.6, "macro_f1": 0.6, "per_class": [], "confusion_matrix": [], "count": 4}}]}
            """);
        File.WriteAllText(Path.Combine(package, "export.json"), """{"source_checkpoint": "../checkpoint", "opset": 11}""");
        File.WriteAllText(Path.Combine(package, "quantize.json"), """{"variants": ["int8"]}""");
        return package;
    }

    /// <summary>The hand reference: tokenize, truncate to [CLS] + 14 pieces + [SEP], run the model's arithmetic in double.</summary>
    private static int[] HandPredictions(TinyPackage weights, BertWordPieceTokenizer tokenizer) =>
        Split.Select(s => weights.Predict(Tokens(tokenizer, s.Text))).ToArray();

    private static int[] Tokens(BertWordPieceTokenizer tokenizer, string text) =>
        [tokenizer.ClsId, .. tokenizer.EncodeToIds(text, addSpecialTokens: false).Take(MaxLength - 2), tokenizer.SepId];

    [Fact]
    public void The_hand_reference_itself_reads_the_vocabulary_as_intended()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        var tokenizer = BertWordPieceTokenizer.FromFolder(package);
        var reference = TinyPackage.HandSet();
        // "good movie" is [CLS] good movie [SEP]; the mean of their embeddings (columns negative, neutral, positive):
        // ((0.05 + 0.1 + 0.3 + 0.03) / 4, (0.11 + 0.2 + 0.33 + 0.10) / 4, (0.02 + 1.9 + 0.31 + 0.01) / 4) = (0.12, 0.185, 0.56);
        // · W + b: negative 0.12·1 + 0.185·0.05 − 0.56·0.1 + 0.01 = 0.08325, neutral 0.12·0.1 + 0.185·0.9 + 0.56·0.1 + 0.02 = 0.2545,
        // positive −0.12·0.1 + 0.56·1.05 − 0.01 = 0.566: positive (weights are float32, hence the tolerance).
        Assert.Equal([0.08325, 0.2545, 0.566], reference.Logits(Tokens(tokenizer, "good movie")), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(2, reference.Predict(Tokens(tokenizer, "good movie")));
        Assert.Equal(0, reference.Predict(Tokens(tokenizer, "awful")));
        Assert.Equal(1, reference.Predict(Tokens(tokenizer, "ok")));
        // Truncation hides the positive words: 14 × "the" survive, which lean neutral.
        Assert.Equal(1, reference.Predict(Tokens(tokenizer, Split[13].Text)));
        Assert.Equal(2, reference.Predict([tokenizer.ClsId, .. tokenizer.EncodeToIds(Split[13].Text, false), tokenizer.SepId]));
    }

    [Fact]
    public void Bench_scores_every_variant_like_the_hand_computation_and_times_every_cell()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        var progress = new RecordingProgress();
        var report = BenchmarkRunner.Run(Options(package), progress);

        var tokenizer = BertWordPieceTokenizer.FromFolder(package);
        var gold = Split.Select(s => s.Gold).ToArray();
        var model = Assert.Single(report.Models);
        Assert.Equal(["fp32", "int8"], model.Variants.Select(v => v.Variant));
        foreach (var (variant, weights) in new[] { ("fp32", TinyPackage.HandSet()), ("int8", TinyPackage.HandSet().Rounded()) })
        {
            var expected = ClassificationMetrics.Compute(gold, HandPredictions(weights, tokenizer), TinyPackage.LabelNames);
            var measured = model.FindVariant(variant)!;
            Assert.Equal(expected.ConfusionMatrix, measured.Metrics.ConfusionMatrix);
            Assert.Equal(expected.Accuracy, measured.Metrics.Accuracy, 12);
            Assert.Equal(expected.WeightedF1, measured.Metrics.WeightedF1, 12);
            Assert.Equal(expected.MacroF1, measured.Metrics.MacroF1, 12);
            Assert.Equal(expected.PerClass, measured.Metrics.PerClass);
            Assert.InRange(measured.Metrics.Accuracy, 0.5, 0.95); // the split was built so the model is neither useless nor perfect
            Assert.Equal(57, measured.ParameterCount); // by hand: embeddings 15×3 + W 3×3 + b 3 (rounding keeps the shapes)
            Assert.Equal(new FileInfo(Path.Combine(package, measured.ModelFile)).Length, measured.FileSizeBytes);
            Assert.Equal("CPU", measured.ExecutionProvider);
            Assert.Null(measured.ProviderNote);
        }
        Assert.Equal(57, model.ParameterCount);

        // Timings: 2 shapes × 2 batch sizes, each 2 repeats × 3 calls.
        var fp32 = model.FindVariant("fp32")!;
        Assert.Equal(4, fp32.Timings.Count);
        foreach (var t in model.Variants.SelectMany(v => v.Timings))
        {
            Assert.Equal(6, t.Calls);
            Assert.Equal(2, t.SequencesPerSecondPerRepeat.Count);
            Assert.True(t.LatencyP50Ms > 0 && t.LatencyP50Ms <= t.LatencyP95Ms && t.LatencyP95Ms <= t.LatencyP99Ms, $"{t.Sequence}/{t.BatchSize}");
            Assert.True(double.IsFinite(t.SequencesPerSecond) && t.SequencesPerSecond > 0);
            // The median of two repeats is their midpoint. Relative tolerance: it may be summed in another order (1e5 sequences/s on a fast cell).
            var median = (t.SequencesPerSecondPerRepeat[0] + t.SequencesPerSecondPerRepeat[1]) / 2;
            Assert.Equal(median, t.SequencesPerSecond, tolerance: Math.Abs(median) * 1e-12);
        }
        Assert.Equal(8, fp32.FindTiming("8", 4)!.MeanPaddedLength);
        // The "data" shape by hand. Row lengths with [CLS]/[SEP] (unknown words and "!"/"," are one [UNK] each; text 13 is
        // cut to 16), texts 0–16: 4 3 4 3 3 6 4 4 4 3 6 3 5 16 4 5 5. The timed calls (2 repeats × 3) follow one warm-up
        // call on batch 0, so they use batches 1, 2, …, wrapping at the cell's batch count.
        // Batch 1: 7 batches (one text each, capped at warm-up + timed calls = 7); calls use texts 1–6: 3 4 3 3 6 4 → 23 / 6.
        Assert.Equal(23.0 / 6, fp32.FindTiming("data", 1)!.MeanPaddedLength, 12);
        // Batch 4: 5 batches (17 texts / 4, rows wrap to the start): widths 4, 6, 6, 16, 5 (texts 16, 0, 1, 2);
        // calls use batches 1 2 3 4 0 1: 6 + 6 + 16 + 5 + 4 + 6 = 43 → 43 / 6.
        Assert.Equal(43.0 / 6, fp32.FindTiming("data", 4)!.MeanPaddedLength, 12);

        // Package facts, training.json via export.json's checkpoint, baseline, dataset, environment.
        Assert.Equal(MaxLength, model.MaxLength);
        Assert.Equal("distilbert", model.ModelType); // config.json's model_type: a graph without token_type_ids is a DistilBERT package
        Assert.Equal(57, model.TrainableParameters);
        Assert.Equal(42.5, model.TrainingSeconds);
        Assert.Equal([1, 2], model.Training!.Epochs.Select(e => e.Epoch));
        Assert.Equal(0.4, model.Training.Epochs[0].ValidationMacroF1);
        Assert.Equal(new EpochSummary(2, 0.5, 0.7, 0.75, 0.6, 1.25), model.Training.Epochs[1]);
        Assert.Equal("int8", model.Quantize!["variants"]![0]!.GetValue<string>());
        Assert.Equal(11, model.Export!["opset"]!.GetValue<int>());
        var lengths = Split.Select(s => tokenizer.EncodeToIds(s.Text).Count).ToArray();
        Assert.Equal(lengths.Max(), model.TokenLengths.Max);
        Assert.Equal(lengths.Count(l => l > MaxLength), model.TokenLengths.Truncated);
        Assert.Equal(1, model.TokenLengths.Truncated);

        int[] counts = [gold.Count(g => g == 0), gold.Count(g => g == 1), gold.Count(g => g == 2)];
        Assert.Equal(counts, report.Dataset.ClassCounts);
        Assert.Equal(1, report.Baseline.LabelId); // neutral is the most frequent gold class of the split
        Assert.Equal((double)counts[1] / gold.Length, report.Baseline.Metrics.Accuracy, 12);
        Assert.Equal(["8", "data"], report.Settings.Sequences);
        Assert.Equal(["CPU"], report.Environment.ExecutionProvidersUsed);
        Assert.Equal("cpu", report.Environment.ExecutionProviderRequested);
        Assert.Equal("0.107.0", report.Environment.TorchSharpVersion);
        Assert.Equal(Environment.ProcessorCount, report.Environment.LogicalProcessors);
        Assert.Matches(@"^\d+\.\d+", report.Environment.OnnxRuntimeVersion);

        Assert.Contains(progress.Reports, p => p.Stage == "evaluate");
        Assert.Contains(progress.Reports, p => p.Stage == "time" && p.Message.Contains("seq data × batch 4", StringComparison.Ordinal));

        // The real result goes through bench.json and the report.
        var json = temp.Combine("out", "bench.json");
        BenchmarkJson.Write(report, json);
        Assert.Equal(BenchmarkJson.Serialize(report), BenchmarkJson.Serialize(BenchmarkJson.Read(json)));
        var files = ReportGenerator.Write([BenchmarkJson.Read(json)], temp.Combine("out"));
        Assert.Contains($"| package (fp32) | {fp32.Metrics.Accuracy * 100:0.00}% |", File.ReadAllText(files.MarkdownPath));
        Assert.Contains(files.ChartPaths, p => p.EndsWith("training-package.png", StringComparison.Ordinal));
    }

    [Fact]
    public void A_package_naming_the_classes_in_another_order_is_scored_under_the_class_each_output_names()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        // The graph's output columns stay the hand model's; config.json now calls column 0 "neutral", 1 "positive", 2 "negative".
        string[] packageClasses = ["neutral", "positive", "negative"];
        TinyPackage.HandSet().WriteSideFiles(package, labels: packageClasses, maxPositions: MaxPositions);
        var report = BenchmarkRunner.Run(Options(package) with { Variants = [ModelVariant.Fp32], BatchSizes = [] });

        var tokenizer = BertWordPieceTokenizer.FromFolder(package);
        var gold = Split.Select(s => s.Gold).ToArray();
        var columns = HandPredictions(TinyPackage.HandSet(), tokenizer);
        var byName = columns.Select(c => Array.IndexOf(TinyPackage.LabelNames.ToArray(), packageClasses[c])).ToArray();
        var expected = ClassificationMetrics.Compute(gold, byName, TinyPackage.LabelNames);
        var measured = Assert.Single(report.Models[0].Variants).Metrics;
        Assert.Equal(expected.ConfusionMatrix, measured.ConfusionMatrix);
        Assert.Equal(expected.Accuracy, measured.Accuracy, 12);
        // Scoring the columns by position would give another answer, so the test tells the two apart.
        Assert.NotEqual(expected.Accuracy, ClassificationMetrics.Compute(gold, columns, TinyPackage.LabelNames).Accuracy, 12);
    }

    [Fact]
    public void Token_type_ids_are_fed_only_to_graphs_that_take_them()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp, withTokenTypeIds: true);
        var report = BenchmarkRunner.Run(Options(package) with { Variants = [ModelVariant.Fp32], BatchSizes = [2] });
        var tokenizer = BertWordPieceTokenizer.FromFolder(package);
        var expected = ClassificationMetrics.Compute(Split.Select(s => s.Gold).ToArray(), HandPredictions(TinyPackage.HandSet(), tokenizer), TinyPackage.LabelNames);
        var variant = Assert.Single(report.Models[0].Variants);
        Assert.Equal(expected.ConfusionMatrix, variant.Metrics.ConfusionMatrix);
        Assert.Equal(2, variant.Timings.Count);
    }

    [Fact]
    public void Fp16_is_skipped_on_cpu_unless_forced()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        TinyPackage.HandSet().WriteTo(package, ModelVariant.Fp16, maxPositions: MaxPositions, exportedMaxLength: MaxLength);
        var options = Options(package) with { BatchSizes = [] };

        var skipped = BenchmarkRunner.Run(options).Models[0];
        Assert.Equal(["fp32", "int8"], skipped.Variants.Select(v => v.Variant));
        Assert.StartsWith("fp16:", Assert.Single(skipped.SkippedVariants));

        var forced = BenchmarkRunner.Run(options with { ForceFp16 = true }).Models[0];
        Assert.Equal(["fp32", "int8", "fp16"], forced.Variants.Select(v => v.Variant));
        Assert.Empty(forced.SkippedVariants);
        Assert.All(forced.Variants, v => Assert.Empty(v.Timings));
    }

    /// <summary>
    /// Without an NVIDIA GPU (asked of the kernel, not of ONNX Runtime) Auto must fall back to CPU and say why; on a GPU
    /// machine the answer is CUDA, which the Cuda test project checks with the CUDA libraries it needs.
    /// </summary>
    [SkippableFact]
    public void Auto_records_the_cpu_fallback_where_there_is_no_gpu()
    {
        Skip.If(TestMachine.NvidiaGpuPresent(), "this machine has an NVIDIA GPU: Auto picking CUDA is PpkmOnnx.Cuda.Tests' to check.");
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        var report = BenchmarkRunner.Run(Options(package) with { Provider = ExecutionProviderPreference.Auto, BatchSizes = [], Variants = [ModelVariant.Fp32] });
        var variant = report.Models[0].Variants[0];
        Assert.Equal("CPU", variant.ExecutionProvider);
        Assert.Contains("CUDA unavailable", variant.ProviderNote);
        Assert.Equal(["CPU"], report.Environment.ExecutionProvidersUsed);
    }

    [SkippableFact]
    public void Required_cuda_fails_loudly_where_it_cannot_be_used()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        var auto = BenchmarkRunner.Run(Options(package) with { Provider = ExecutionProviderPreference.Auto, BatchSizes = [], Variants = [ModelVariant.Fp32] });
        Skip.If(auto.Models[0].Variants[0].ExecutionProvider == "CUDA", "CUDA works on this machine.");
        var e = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package) with { Provider = ExecutionProviderPreference.Cuda }));
        Assert.Contains("model", e.Message);
        Assert.Contains("CUDA", e.Message);
    }

    [Fact]
    public void Package_problems_are_reported_with_the_file_and_the_reason()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);

        var missingVariant = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package) with { Variants = [ModelVariant.Int8Static] }));
        Assert.Contains("model.int8-static.onnx", missingVariant.Message);

        Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(temp.Combine("nowhere"))));

        var tooLong = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package) with { SequenceLengths = [128] }));
        Assert.Contains("max_position_embeddings 64", tooLong.Message);

        TinyPackage.HandSet().WriteSideFiles(package, labels: ["negative", "neutral", "happy"], maxPositions: MaxPositions);
        var renamed = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package)));
        Assert.Equal($"{Path.Combine(package, "config.json")}: id2label [negative, neutral, happy] does not name the test split's classes "
            + "[negative, neutral, positive]; bench matches classes by name (in any order), so the data must use the package's class names.", renamed.Message);

        // A package whose labels disagree with its graph is refused when the variant opens, by the Runtime's rule (serve's).
        // (Placeholder names LABEL_0, … without a classification head mean "no labels" under ModelPackage's one rule, so real names here.)
        TinyPackage.HandSet().WriteSideFiles(package, labels: ["negative", "neutral"], maxPositions: MaxPositions);
        var graph = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package)));
        Assert.Contains("model.onnx: the graph outputs 3 logits but the package names 2 labels", graph.Message);

        // A package that agrees with its graph but not with the test split.
        TinyPackage.HandSet().WriteSideFiles(package, maxPositions: MaxPositions);
        var count = Assert.Throws<UserInputException>(() => BenchmarkRunner.Run(Options(package) with
        {
            Dataset = BenchmarkDataset.Create(["good", "bad"], [1, 0], ["negative", "positive"]),
        }));
        Assert.Contains("id2label has 3 labels but the test split has 2", count.Message);
    }

    [Fact]
    public void Options_out_of_range_and_cancellation_stop_the_run()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = MakePackage(temp);
        Assert.Contains("repeats", Assert.Throws<ArgumentException>(() => BenchmarkRunner.Run(Options(package) with { Repeats = 0 })).Message);
        Assert.Contains("batch sizes", Assert.Throws<ArgumentException>(() => BenchmarkRunner.Run(Options(package) with { BatchSizes = [0] })).Message);
        Assert.Throws<ArgumentException>(() => BenchmarkDataset.Create(["a"], [3], TinyPackage.LabelNames));
        Assert.Throws<ArgumentException>(() => BenchmarkDataset.Create(["a", "b"], [1], TinyPackage.LabelNames));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BenchmarkRunner.Run(Options(package), null, cancelled.Token));
    }

    private sealed class RecordingProgress : IProgress<BenchmarkProgress>
    {
        public List<BenchmarkProgress> Reports { get; } = [];
        public void Report(BenchmarkProgress value) => Reports.Add(value);
    }
}
