using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Training.Training;

/// <summary>A progress report: one per optimizer step, one when an evaluation starts, one when an epoch ends.</summary>
public sealed record TrainingProgress
{
    /// <summary>What the run is doing.</summary>
    public required TrainingPhase Phase { get; init; }
    /// <summary>Current epoch, 1-based.</summary>
    public required int Epoch { get; init; }
    /// <summary>Epochs planned.</summary>
    public required int Epochs { get; init; }
    /// <summary>Steps done in this epoch.</summary>
    public required int Step { get; init; }
    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }
    /// <summary>Optimizer steps done in the whole run.</summary>
    public required long GlobalStep { get; init; }
    /// <summary>Optimizer steps planned for the whole run.</summary>
    public required long TotalSteps { get; init; }
    /// <summary>Mean training loss of this epoch so far.</summary>
    public double Loss { get; init; }
    /// <summary>Learning rate of the last step.</summary>
    public double LearningRate { get; init; }
    /// <summary>Optimizer steps per second since this process started training.</summary>
    public double StepsPerSecond { get; init; }
    /// <summary>Estimated time to finish the remaining training steps (evaluation excluded); null before the first step.</summary>
    public TimeSpan? Eta { get; init; }
    /// <summary>Set on the report that closes an epoch.</summary>
    public EpochRecord? CompletedEpoch { get; init; }
}
