using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Pruning;

/// <summary>What a pruning run removed and how long each part took; the checkpoint is in <see cref="OutputPath"/>.</summary>
public sealed record PruneResult
{
    /// <summary>The folder holding the pruned checkpoint.</summary>
    public required string OutputPath { get; init; }
    /// <summary>The source model's configuration.</summary>
    public required ModelConfig Source { get; init; }
    /// <summary>The pruned model's configuration (<c>pruned_heads</c> by original index, reduced FFN size).</summary>
    public required ModelConfig Pruned { get; init; }
    /// <summary>What the whole run removed (all steps composed), by the source's current indices.</summary>
    public required PruningPlan Plan { get; init; }
    /// <summary>The importance of the source's heads and neurons (the first step's scores).</summary>
    public required ImportanceScores Scores { get; init; }
    /// <summary>Parameters (elements) before pruning.</summary>
    public required long ParametersBefore { get; init; }
    /// <summary>Parameters (elements) after pruning.</summary>
    public required long ParametersAfter { get; init; }
    /// <summary>The last step's recovery run (best epoch, validation and test metrics), null when no recovery epochs were asked for.</summary>
    public TrainingResult? Recovery { get; init; }
    /// <summary>Wall time of importance scoring, all steps.</summary>
    public required TimeSpan ScoringTime { get; init; }
    /// <summary>Wall time of the physical removal, all steps.</summary>
    public required TimeSpan RemovalTime { get; init; }
    /// <summary>Wall time of the recovery fine-tuning, all steps (zero without).</summary>
    public required TimeSpan RecoveryTime { get; init; }
    /// <summary>The steps in order (one for a one-shot run); the last one's <see cref="PruneStep.After"/> is <see cref="Pruned"/>.</summary>
    public required IReadOnlyList<PruneStep> Steps { get; init; }
}
