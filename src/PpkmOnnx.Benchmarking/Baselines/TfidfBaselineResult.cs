using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>What <see cref="TfidfBaseline.Run"/> measured: metrics per split (computed by <see cref="ClassificationMetrics"/>
/// from the model's predictions), the regularisation chosen on validation, training time and the feature-space size.</summary>
public sealed record TfidfBaselineResult
{
    /// <summary>The options trained with.</summary>
    public required TfidfBaselineOptions Options { get; init; }
    /// <summary>Label names by class id.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>The C kept (best validation macro-F1 of <see cref="TfidfBaselineOptions.CGrid"/>).</summary>
    public required double C { get; init; }
    /// <summary>Validation metrics of every C tried, in grid order.</summary>
    public required IReadOnlyList<(double C, ClassificationMetrics Validation)> Grid { get; init; }
    /// <summary>Training split metrics (how well it fits).</summary>
    public required ClassificationMetrics Train { get; init; }
    /// <summary>Validation split metrics (the IFest anchors are validation accuracies).</summary>
    public required ClassificationMetrics Validation { get; init; }
    /// <summary>Test split metrics.</summary>
    public required ClassificationMetrics Test { get; init; }
    /// <summary>Predicted class id of every test text, in split order.</summary>
    public required IReadOnlyList<int> TestPredictions { get; init; }
    /// <summary>Metrics on the extra evaluation set, when one was given.</summary>
    public ClassificationMetrics? Evaluation { get; init; }
    /// <summary>The model with the chosen C, to score other texts.</summary>
    public required TfidfLinearModel Model { get; init; }
    /// <summary>Length of the TF-IDF feature vector.</summary>
    public required int FeatureCount { get; init; }
    /// <summary>Featurization and training time, the whole grid included.</summary>
    public required TimeSpan TrainingTime { get; init; }
}
