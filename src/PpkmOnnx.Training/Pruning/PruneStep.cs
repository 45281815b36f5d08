using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Pruning;

/// <summary>One step of a pruning run: importance on the model the step starts from, removal, and its recovery.</summary>
public sealed record PruneStep
{
    /// <summary>1-based step number.</summary>
    public required int Number { get; init; }
    /// <summary>The configuration the step started from.</summary>
    public required ModelConfig Before { get; init; }
    /// <summary>The configuration the step left.</summary>
    public required ModelConfig After { get; init; }
    /// <summary>What the step removed, by <see cref="Before"/>'s current indices.</summary>
    public required PruningPlan Plan { get; init; }
    /// <summary>The importance of <see cref="Before"/>'s heads and neurons the plan was chosen from.</summary>
    public required ImportanceScores Scores { get; init; }
    /// <summary>Parameters (elements) after the step.</summary>
    public required long ParametersAfter { get; init; }
    /// <summary>The step's recovery, null without recovery epochs.</summary>
    public TrainingResult? Recovery { get; init; }
    /// <summary>Wall time of the step's importance scoring.</summary>
    public required TimeSpan ScoringTime { get; init; }
    /// <summary>Wall time of the step's removal.</summary>
    public required TimeSpan RemovalTime { get; init; }
    /// <summary>Wall time of the step's recovery (zero without).</summary>
    public required TimeSpan RecoveryTime { get; init; }

    /// <summary>Per layer, the heads the step removed by their ORIGINAL indices.</summary>
    public IReadOnlyList<int[]> OriginalHeadsRemoved => Plan.OriginalHeadsRemoved(Before);
}
