namespace PpkmOnnx.Benchmarking.Running;

/// <summary>A progress report of <see cref="BenchmarkRunner.Run"/>.</summary>
/// <param name="Stage">What is happening: "load", "evaluate", "warm-up" or "time".</param>
/// <param name="Completed">Steps done in this stage.</param>
/// <param name="Total">Steps of this stage.</param>
/// <param name="Message">A human-readable line (model, variant, cell).</param>
public sealed record BenchmarkProgress(string Stage, int Completed, int Total, string Message);
