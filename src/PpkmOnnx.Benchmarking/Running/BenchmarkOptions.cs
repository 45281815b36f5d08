using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>What <see cref="BenchmarkRunner.Run"/> measures and how.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>The model packages, in report order.</summary>
    public required IReadOnlyList<BenchmarkModelInput> Models { get; init; }
    /// <summary>The test split.</summary>
    public required BenchmarkDataset Dataset { get; init; }
    /// <summary>
    /// Variants to measure in every package; a requested file that is missing is an error. Null = every variant
    /// present, except fp16 when the provider used is not CUDA (FP16 is a GPU variant; see <see cref="ForceFp16"/>).
    /// </summary>
    public IReadOnlyList<ModelVariant>? Variants { get; init; }
    /// <summary>Measure fp16 on CPU too (ONNX Runtime casts most of it back; slow, but sometimes wanted).</summary>
    public bool ForceFp16 { get; init; }
    /// <summary>Execution provider preference.</summary>
    public ExecutionProviderPreference Provider { get; init; } = ExecutionProviderPreference.Auto;
    /// <summary>CUDA device id.</summary>
    public int CudaDeviceId { get; init; }
    /// <summary>ONNX Runtime intra-op threads; null = its default (one per physical core).</summary>
    public int? IntraOpThreads { get; init; }
    /// <summary>Timed repeats per cell (throughput = median over repeats).</summary>
    public int Repeats { get; init; } = 5;
    /// <summary>Settings a short run chose rather than the user (recorded as <see cref="Results.BenchmarkSettings.ChosenByQuick"/>).</summary>
    public IReadOnlyList<string> ChosenByQuick { get; init; } = [];
    /// <summary>Timed calls per variant per cell per repeat.</summary>
    public int Iterations { get; init; } = 10;
    /// <summary>Untimed calls per variant per cell before the first repeat.</summary>
    public int WarmupIterations { get; init; } = 2;
    /// <summary>Batch sizes to time; empty = score quality only.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 8, 32, 128];
    /// <summary>Fixed padded sequence lengths to time.</summary>
    public IReadOnlyList<int> SequenceLengths { get; init; } = [32, 64, 128];
    /// <summary>Also time the "data" shape: test texts at their own lengths, dynamically padded per batch.</summary>
    public bool IncludeDataLengths { get; init; } = true;
    /// <summary>Maximum tokens per text for scoring and the "data" shape; null = the package's <c>ppkm.max_length</c> (else 128).</summary>
    public int? MaxLength { get; init; }
    /// <summary>Batch size of the accuracy pass.</summary>
    public int EvaluationBatchSize { get; init; } = 32;
    /// <summary>Distinct pre-tokenized batches per cell (cycled through by the timed calls).</summary>
    public int MaxBatchesPerCell { get; init; } = 16;
    /// <summary>A label for the run, copied into the report.</summary>
    public string? Title { get; init; }
    /// <summary>TorchSharp version to record (the bench does not load TorchSharp), or null.</summary>
    public string? TorchSharpVersion { get; init; }
    /// <summary>Folder whose <c>git rev-parse HEAD</c> is recorded; null = the current directory.</summary>
    public string? GitWorkingDirectory { get; init; }

    /// <summary>Checks ranges and presence; the runner calls it first.</summary>
    /// <exception cref="ArgumentException">A value out of range, with the option named.</exception>
    public void Validate()
    {
        if (Models is null || Models.Count == 0) throw new ArgumentException("no model packages to benchmark.");
        if (Dataset is null) throw new ArgumentException("no test split given.");
        foreach (var m in Models)
            if (string.IsNullOrWhiteSpace(m.PackageFolder)) throw new ArgumentException("a model package folder is empty.");
        var duplicate = Models.GroupBy(m => m.Name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(m.PackageFolder))))
            .FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"two models are named '{duplicate.Key}'; give them distinct names.");
        if (Repeats < 1) throw new ArgumentException($"repeats must be at least 1, got {Repeats}.");
        if (Iterations < 1) throw new ArgumentException($"iterations must be at least 1, got {Iterations}.");
        if (WarmupIterations < 0) throw new ArgumentException($"warm-up iterations must be at least 0, got {WarmupIterations}.");
        if (BatchSizes.Any(b => b < 1)) throw new ArgumentException($"batch sizes must be at least 1, got {string.Join(",", BatchSizes)}.");
        if (SequenceLengths.Any(s => s < 2)) throw new ArgumentException($"sequence lengths must be at least 2, got {string.Join(",", SequenceLengths)}.");
        if (BatchSizes.Count > 0 && SequenceLengths.Count == 0 && !IncludeDataLengths)
            throw new ArgumentException("no sequence shape to time: give sequence lengths or include the data lengths.");
        if (MaxLength is < 2) throw new ArgumentException($"max length must be at least 2, got {MaxLength}.");
        if (EvaluationBatchSize < 1) throw new ArgumentException($"evaluation batch size must be at least 1, got {EvaluationBatchSize}.");
        if (MaxBatchesPerCell < 1) throw new ArgumentException($"batches per cell must be at least 1, got {MaxBatchesPerCell}.");
        if (IntraOpThreads is < 1) throw new ArgumentException($"intra-op threads must be at least 1, got {IntraOpThreads}.");
        if (Variants is { Count: 0 }) throw new ArgumentException("the variant list is empty.");
    }
}
