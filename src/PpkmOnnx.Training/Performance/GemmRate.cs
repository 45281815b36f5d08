namespace PpkmOnnx.Training.Performance;

/// <summary>The measured rate of one GEMM shape.</summary>
/// <param name="Shape">The product measured.</param>
/// <param name="MedianSeconds">Median time of one product.</param>
/// <param name="Repetitions">Timed products.</param>
public sealed record GemmRate(GemmShape Shape, double MedianSeconds, int Repetitions)
{
    /// <summary>Billions of operations per second at the median time.</summary>
    public double GflopPerSecond => Shape.Flops / MedianSeconds / 1e9;
}
