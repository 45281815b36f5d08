namespace PpkmOnnx.Core.Metrics;

/// <summary>Precision, recall and F1 of one class, and its support (gold count).</summary>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
