using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>What an adaptation run did (also in adapt.json).</summary>
public sealed record AdaptationResult
{
    /// <summary>The output folder.</summary>
    public required string OutputPath { get; init; }
    /// <summary>Optimizer steps done.</summary>
    public required long Steps { get; init; }
    /// <summary>The loss curve.</summary>
    public required IReadOnlyList<AdaptCurvePointRecord> Curve { get; init; }
    /// <summary>The vocabulary move, or null when the vocabulary was kept.</summary>
    public VocabularyTransferPlan? Transfer { get; init; }
    /// <summary>Head tensors that started fresh.</summary>
    public required IReadOnlyList<string> FreshHeadTensors { get; init; }
    /// <summary>Mean tokens per training text (with [CLS] and [SEP], after truncation).</summary>
    public required double MeanTokensPerText { get; init; }
    /// <summary>Wall time of this process.</summary>
    public required TimeSpan WallTime { get; init; }
    /// <summary>Step at which this process started (0 for a fresh run).</summary>
    public required long ResumedAtStep { get; init; }
}
