using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>The classifier that always answers one class, scored on the test split.</summary>
/// <param name="LabelId">The class it answers.</param>
/// <param name="Label">Its name.</param>
/// <param name="Metrics">Its scores.</param>
public sealed record MajorityBaseline(int LabelId, string Label, ClassificationMetrics Metrics);
