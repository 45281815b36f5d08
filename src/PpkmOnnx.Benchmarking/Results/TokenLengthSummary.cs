namespace PpkmOnnx.Benchmarking.Results;

/// <summary>Token counts of the test texts under one tokenizer.</summary>
/// <param name="Mean">Mean tokens per text.</param>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="Max">Longest text.</param>
/// <param name="Truncated">Texts longer than the model's maximum length (cut for scoring).</param>
public sealed record TokenLengthSummary(double Mean, double P50, double P95, int Max, int Truncated);
