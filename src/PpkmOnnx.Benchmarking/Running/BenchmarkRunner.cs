using System.Diagnostics;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Benchmarking.Machine;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Benchmarking.Statistics;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>
/// The engine of <c>ppkm bench</c>: scores every variant of every package on a test split and times ONNX Runtime
/// <c>Run</c> on pre-tokenized batches. All variants (of all packages) stay open and are timed round-robin inside
/// each repeat, the starting variant moving by one each repeat, so that drift on a shared machine hits them alike
/// and their ratios hold.
/// </summary>
public static partial class BenchmarkRunner
{
    /// <summary>The name of the sequence shape that uses the test texts' own lengths.</summary>
    public const string DataSequence = "data";

    /// <summary>Runs the benchmark described by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">Options out of range or inconsistent with a package.</exception>
    /// <exception cref="UserInputException">A package folder or a requested variant file is missing.</exception>
    /// <exception cref="UserInputException">A package file is malformed or disagrees with the test split's labels.</exception>
    /// <exception cref="InvalidOperationException">CUDA was required and is unavailable.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static BenchmarkReport Run(BenchmarkOptions options, IProgress<BenchmarkProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var dataset = options.Dataset;
        var models = new List<LoadedModel>();
        try
        {
            for (int m = 0; m < options.Models.Count; m++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int index = m;
                models.Add(LoadedModel.Open(options.Models[m], options,
                    message => progress?.Report(new BenchmarkProgress("load", index, options.Models.Count, message))));
            }
            progress?.Report(new BenchmarkProgress("load", models.Count, models.Count, "packages loaded"));

            var slots = models.SelectMany(model => model.Variants.Select(v => new Slot(model, v))).ToList();
            var lengths = models.ToDictionary(m => m, m => TokenLengths(m, dataset));
            Evaluate(models, slots, dataset, options, progress, cancellationToken);
            var cells = Cells(options);
            foreach (var cell in cells)
                TimeCell(cell, models, slots, dataset, options, progress, cancellationToken);

            var results = models.Select(model => new ModelResult
            {
                Name = model.Name,
                PackageFolder = model.Folder,
                ModelType = model.ModelType,
                MaxLength = model.MaxLength,
                ParameterCount = (model.Variants.FirstOrDefault(v => v.Variant == ModelVariant.Fp32) ?? model.Variants[0]).ParameterCount,
                TrainableParameters = model.Training?.TrainableParameters,
                TrainingSeconds = model.Training?.TrainingSeconds,
                Training = model.Training,
                Export = model.Export?.DeepClone(),
                Quantize = model.Quantize?.DeepClone(),
                TokenLengths = lengths[model],
                SkippedVariants = model.Skipped.ToArray(),
                Variants = slots.Where(s => s.Model == model).Select(s => new VariantResult
                {
                    Variant = ModelPackageLayout.VariantName(s.Variant.Variant),
                    ModelFile = Path.GetFileName(s.Variant.Path),
                    FileSizeBytes = s.Variant.FileSizeBytes,
                    ParameterCount = s.Variant.ParameterCount,
                    ExecutionProvider = s.Variant.Session.ExecutionProvider,
                    ProviderNote = s.Variant.Session.ProviderNote,
                    Metrics = s.Metrics!,
                    EvaluationSeconds = s.EvaluationSeconds,
                    Timings = s.Timings.ToArray(),
                }).ToArray(),
            }).ToArray();

            return new BenchmarkReport
            {
                CreatedUtc = DateTimeOffset.UtcNow,
                Title = options.Title,
                Environment = EnvironmentProbe.Capture(options.Provider.ToString().ToLowerInvariant(),
                    slots.Select(s => s.Variant.Session.ExecutionProvider).ToArray(), options.IntraOpThreads,
                    options.TorchSharpVersion, options.GitWorkingDirectory),
                Settings = new BenchmarkSettings
                {
                    Repeats = options.Repeats,
                    Iterations = options.Iterations,
                    WarmupIterations = options.WarmupIterations,
                    BatchSizes = options.BatchSizes.ToArray(),
                    Sequences = cells.Select(c => c.Sequence).Distinct().ToArray(),
                    MaxLength = options.MaxLength,
                    EvaluationBatchSize = options.EvaluationBatchSize,
                    ChosenByQuick = options.ChosenByQuick.ToArray(),
                },
                Dataset = new DatasetSummary
                {
                    Name = dataset.Name,
                    Count = dataset.Texts.Count,
                    LabelNames = dataset.LabelNames.ToArray(),
                    ClassCounts = ClassCounts(dataset),
                },
                Baseline = MajorityBaselineOf(dataset),
                Models = results,
            };
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    /// <summary>The majority-class baseline of <paramref name="dataset"/> (its <see cref="BenchmarkDataset.MajorityLabelId"/>, else the most frequent class, lowest id on ties: <see cref="TextClassificationDataset.MajorityLabelIdOf"/>).</summary>
    public static MajorityBaseline MajorityBaselineOf(BenchmarkDataset dataset)
    {
        var counts = ClassCounts(dataset);
        int majority = dataset.MajorityLabelId ?? TextClassificationDataset.MajorityLabelIdOf(counts);
        var predicted = Enumerable.Repeat(majority, dataset.GoldLabelIds.Count).ToArray();
        return new MajorityBaseline(majority, dataset.LabelNames[majority], ClassificationMetrics.Compute(dataset.GoldLabelIds, predicted, dataset.LabelNames));
    }

    private static int[] ClassCounts(BenchmarkDataset dataset)
    {
        var counts = new int[dataset.LabelNames.Count];
        foreach (var g in dataset.GoldLabelIds) counts[g]++;
        return counts;
    }

    private static TokenLengthSummary TokenLengths(LoadedModel model, BenchmarkDataset dataset)
    {
        var lengths = dataset.Texts.Select(t => model.Tokenizer.EncodeToIds(t).Count).ToArray();
        var summary = SampleStatistics.Summarize(lengths.Select(l => (double)l).ToArray());
        return new TokenLengthSummary(summary.Mean, summary.P50, summary.P95, lengths.Max(), lengths.Count(l => l > model.MaxLength));
    }

    private static void Evaluate(List<LoadedModel> models, List<Slot> slots, BenchmarkDataset dataset, BenchmarkOptions options,
        IProgress<BenchmarkProgress>? progress, CancellationToken cancellationToken)
    {
        int done = 0;
        foreach (var model in models)
        {
            var batches = new List<ClassifierInputs>();
            try
            {
                for (int start = 0; start < dataset.Texts.Count; start += options.EvaluationBatchSize)
                {
                    var texts = dataset.Texts.Skip(start).Take(options.EvaluationBatchSize).ToArray();
                    batches.Add(ClassifierInputs.Create(model.Tokenizer.EncodeBatch(texts, model.MaxLength)));
                }
                foreach (var slot in slots.Where(s => s.Model == model))
                {
                    progress?.Report(new BenchmarkProgress("evaluate", done, slots.Count, $"{model.Name} {ModelPackageLayout.VariantName(slot.Variant.Variant)}: scoring {dataset.Texts.Count} texts"));
                    var predicted = new List<int>(dataset.Texts.Count);
                    long start = Stopwatch.GetTimestamp();
                    foreach (var batch in batches)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        // One column per package class; each is scored as the test split's class of the same name.
                        var logits = slot.Variant.Session.Logits(batch);
                        for (int r = 0; r < logits.Rows; r++) predicted.Add(model.DataClassIds[logits.Predicted(r)]);
                    }
                    slot.EvaluationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    slot.Metrics = ClassificationMetrics.Compute(dataset.GoldLabelIds, predicted, dataset.LabelNames);
                    done++;
                }
            }
            finally
            {
                foreach (var b in batches) b.Dispose();
            }
        }
        progress?.Report(new BenchmarkProgress("evaluate", done, slots.Count, "scoring done"));
    }

    private sealed class Slot(LoadedModel model, LoadedVariant variant)
    {
        public LoadedModel Model { get; } = model;
        public LoadedVariant Variant { get; } = variant;
        public ClassificationMetrics? Metrics { get; set; }
        public double EvaluationSeconds { get; set; }
        public List<TimingResult> Timings { get; } = [];
    }
}
