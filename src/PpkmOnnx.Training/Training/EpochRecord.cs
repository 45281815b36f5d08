using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Training.Training;

/// <summary>What one epoch did (one line of training-log.jsonl).</summary>
public sealed record EpochRecord
{
    /// <summary>Epoch, 1-based.</summary>
    public required int Epoch { get; init; }
    /// <summary>Mean training loss over the epoch's steps.</summary>
    public required double TrainLoss { get; init; }
    /// <summary>Mean (unweighted) cross-entropy on the validation split.</summary>
    public required double ValidationLoss { get; init; }
    /// <summary>Validation accuracy, weighted and macro precision/recall/F1, confusion matrix.</summary>
    public required ClassificationMetrics Validation { get; init; }
    /// <summary>Learning rate of the epoch's last step.</summary>
    public required double LearningRate { get; init; }
    /// <summary>Optimizer steps in the epoch.</summary>
    public required int Steps { get; init; }
    /// <summary>Wall time of training plus validation.</summary>
    public required double Seconds { get; init; }
    /// <summary>Whether this epoch became the best checkpoint (highest validation macro-F1 so far).</summary>
    public required bool IsBest { get; init; }
}
