namespace PpkmOnnx.Training.Performance;

/// <summary>A single-precision matrix product [M, K] · [K, N].</summary>
/// <param name="M">Rows of the left operand and of the result.</param>
/// <param name="K">The contracted dimension.</param>
/// <param name="N">Columns of the right operand and of the result.</param>
public readonly record struct GemmShape(long M, long K, long N)
{
    /// <summary>Operations of one product: 2·M·K·N.</summary>
    public double Flops => 2.0 * M * K * N;

    /// <inheritdoc />
    public override string ToString() => $"{M}x{K}x{N}";
}
