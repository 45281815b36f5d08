namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One side of an accuracy-guard check: the headline metrics of one model on one evaluation set.</summary>
/// <param name="Accuracy"><c>accuracy</c>.</param>
/// <param name="WeightedF1"><c>weighted_f1</c>.</param>
/// <param name="MacroF1"><c>macro_f1</c>.</param>
public sealed record GuardMetricsRecord(double Accuracy, double WeightedF1, double MacroF1);
