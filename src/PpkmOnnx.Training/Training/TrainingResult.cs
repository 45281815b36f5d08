using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Training.Training;

/// <summary>The outcome of a completed run (also written to training.json).</summary>
public sealed record TrainingResult
{
    /// <summary>The output folder holding the best checkpoint.</summary>
    public required string OutputPath { get; init; }
    /// <summary>Every epoch trained, including those before a resume.</summary>
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }
    /// <summary>The epoch whose weights were kept (best validation macro-F1).</summary>
    public required int BestEpoch { get; init; }
    /// <summary>Validation metrics of the kept epoch.</summary>
    public required ClassificationMetrics BestValidation { get; init; }
    /// <summary>Test metrics of the kept checkpoint; null when the test split is empty.</summary>
    public ClassificationMetrics? Test { get; init; }
    /// <summary>Whether early stopping ended the run before the last epoch.</summary>
    public required bool StoppedEarly { get; init; }
    /// <summary>Epochs already done when this process resumed (0 for a fresh run).</summary>
    public required int ResumedAfterEpoch { get; init; }
    /// <summary>Wall time of this process's run.</summary>
    public required TimeSpan WallTime { get; init; }
    /// <summary>Trainable parameters of the model.</summary>
    public required long TrainableParameters { get; init; }
    /// <summary>Device really used (<c>cpu</c> or <c>cuda</c>).</summary>
    public required string Device { get; init; }
    /// <summary>Parameters the starting checkpoint lacked and that were initialised fresh.</summary>
    public required IReadOnlyList<string> NewlyInitialized { get; init; }
    /// <summary>How the source checkpoint's classification head was fitted to the data's classes (reordered by name or started fresh); null when used as it is.</summary>
    public string? HeadOutcome { get; init; }
}
