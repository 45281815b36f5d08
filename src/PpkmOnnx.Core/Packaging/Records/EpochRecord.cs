using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>What one epoch did: an entry of training.json's <c>epochs</c> and one line of training-log.jsonl.</summary>
public sealed record EpochRecord
{
    /// <summary><c>epoch</c>, 1-based.</summary>
    public required int Epoch { get; init; }
    /// <summary><c>train_loss</c>: mean training loss over the epoch's steps.</summary>
    public required double TrainLoss { get; init; }
    /// <summary><c>validation_loss</c>: mean (unweighted) cross-entropy on the validation split.</summary>
    public required double ValidationLoss { get; init; }
    /// <summary><c>validation</c>: accuracy, weighted and macro precision/recall/F1, confusion matrix.</summary>
    public required ClassificationMetrics Validation { get; init; }
    /// <summary><c>learning_rate</c> of the epoch's last step.</summary>
    public required double LearningRate { get; init; }
    /// <summary><c>steps</c>: optimizer steps in the epoch.</summary>
    public required int Steps { get; init; }
    /// <summary><c>seconds</c>: wall time of training plus validation.</summary>
    public required double Seconds { get; init; }
    /// <summary><c>is_best</c>: whether this epoch became the best checkpoint (highest validation macro-F1 so far).</summary>
    public required bool IsBest { get; init; }
}
