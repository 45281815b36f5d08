using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Tests;

/// <summary>A fixed benchmark result with known numbers, for schema and report tests.</summary>
internal static class SampleReports
{
    public static readonly string[] Labels = ["negative", "neutral", "positive"];

    // 12 texts: gold 4/4/4. fp32 gets 10 right, int8 gets 9 right.
    public static readonly int[] Gold = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    public static readonly int[] Fp32Predicted = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2];
    public static readonly int[] Int8Predicted = [0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2];

    public static BenchmarkReport Create() => new()
    {
        CreatedUtc = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero),
        Title = "sample",
        Environment = new BenchmarkEnvironment
        {
            CpuModel = "Test CPU @ 3.00GHz",
            LogicalProcessors = 2,
            IntraOpThreads = 2,
            InstructionSets = ["AVX2", "FMA"],
            ExecutionProviderRequested = "auto",
            ExecutionProvidersUsed = ["CPU"],
            OnnxRuntimeVersion = "1.31.0",
            TorchSharpVersion = "0.107.0",
            DotNetVersion = ".NET 10.0.0",
            OperatingSystem = "Debian GNU/Linux 12",
            GitCommit = new string('a', 40),
        },
        Settings = new BenchmarkSettings
        {
            Repeats = 3, Iterations = 4, WarmupIterations = 1, BatchSizes = [1, 8], Sequences = ["32", "data"], MaxLength = null, EvaluationBatchSize = 32,
        },
        Dataset = new DatasetSummary { Name = "test.csv", Count = 12, LabelNames = Labels, ClassCounts = [4, 4, 4] },
        Baseline = new MajorityBaseline(0, "negative", ClassificationMetrics.Compute(Gold, Enumerable.Repeat(0, 12).ToArray(), Labels)),
        Models =
        [
            new ModelResult
            {
                Name = "tiny-bert",
                PackageFolder = "/packages/tiny-bert",
                ModelType = "bert",
                MaxLength = 128,
                ParameterCount = 4_386_051,
                TrainableParameters = 4_386_051,
                TrainingSeconds = 3723,
                Training = new TrainingSummary
                {
                    SourcePath = "/checkpoints/tiny-bert/training.json",
                    TrainableParameters = 4_386_051,
                    TrainingSeconds = 3723,
                    Hyperparameters = new JsonObject { ["learningRate"] = 2e-5, ["epochs"] = 3 },
                    Epochs = [new EpochSummary(1, 0.9, 0.8, 0.6, 0.55, 1200), new EpochSummary(2, 0.6, 0.7, 0.7, 0.66, 1250), new EpochSummary(3, 0.4, 0.72, 0.75, 0.71, 1273)],
                    Test = new JsonObject { ["accuracy"] = 0.8 },
                },
                Export = new JsonObject { ["graph"] = "standard", ["opset"] = 17 },
                Quantize = null,
                TokenLengths = new TokenLengthSummary(21.5, 20, 40, 61, 0),
                Variants =
                [
                    Variant("fp32", "model.onnx", 17_600_000, Fp32Predicted, p50: 4.0, p95: 5.5, seqPerSecond: 250),
                    Variant("int8", "model.int8.onnx", 4_500_000, Int8Predicted, p50: 2.0, p95: 2.5, seqPerSecond: 500),
                ],
                SkippedVariants = ["fp16: a GPU variant and CUDA is not in use (CPU requested); force it to measure on CPU"],
            },
        ],
    };

    private static VariantResult Variant(string name, string file, long size, int[] predicted, double p50, double p95, double seqPerSecond) => new()
    {
        Variant = name,
        ModelFile = file,
        FileSizeBytes = size,
        ParameterCount = 4_386_051,
        ExecutionProvider = "CPU",
        ProviderNote = "CUDA unavailable: OnnxRuntimeException: test",
        Metrics = ClassificationMetrics.Compute(Gold, predicted, Labels),
        EvaluationSeconds = 0.25,
        Timings =
        [
            Timing("32", 1, p50 * 0.8, p95 * 0.8, 1000 / (p50 * 0.8)),
            Timing("32", 8, p50 * 3, p95 * 3, seqPerSecond * 0.9),
            Timing("data", 1, p50, p95, 1000 / p50),
            Timing("data", 8, p50 * 4, p95 * 4, seqPerSecond),
        ],
    };

    private static TimingResult Timing(string sequence, int batch, double p50, double p95, double seqPerSecond) => new()
    {
        Sequence = sequence,
        BatchSize = batch,
        MeanPaddedLength = sequence == "data" ? 23.25 : 32,
        Calls = 12,
        LatencyP50Ms = p50,
        LatencyP95Ms = p95,
        LatencyP99Ms = p95 * 1.1,
        LatencyMeanMs = p50 * 1.05,
        SequencesPerSecond = seqPerSecond,
        SequencesPerSecondPerRepeat = [seqPerSecond * 0.95, seqPerSecond, seqPerSecond * 1.02],
    };
}
