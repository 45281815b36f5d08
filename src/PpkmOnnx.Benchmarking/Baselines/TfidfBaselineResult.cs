using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>What <see cref="TfidfBaseline.Run"/> measured: metrics per split (computed by <see cref="ClassificationMetrics"/>
/// from the model's predictions, not by ML.NET), training time and the feature-space size.</summary>
public sealed record TfidfBaselineResult
{
    /// <summary>The options trained with.</summary>
    public required TfidfBaselineOptions Options { get; init; }
    /// <summary>Label names by class id.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Training split metrics (how well it fits).</summary>
    public required ClassificationMetrics Train { get; init; }
    /// <summary>Validation split metrics (the IFest anchors are validation accuracies).</summary>
    public required ClassificationMetrics Validation { get; init; }
    /// <summary>Test split metrics.</summary>
    public required ClassificationMetrics Test { get; init; }
    /// <summary>Predicted class id of every test text, in split order.</summary>
    public required IReadOnlyList<int> TestPredictions { get; init; }
    /// <summary>Length of the TF-IDF feature vector.</summary>
    public required int FeatureCount { get; init; }
    /// <summary>Featurization and training time.</summary>
    public required TimeSpan TrainingTime { get; init; }
}
