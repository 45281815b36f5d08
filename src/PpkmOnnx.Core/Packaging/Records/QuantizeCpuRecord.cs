namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>A quantize.json variant's <c>cpu</c>: the instruction sets of the machine that quantized, which decide the int8 kernels.</summary>
public sealed record QuantizeCpuRecord
{
    /// <summary><c>summary</c>: one line ("AVX-512 + AVX512-VNNI").</summary>
    public required string Summary { get; init; }
    /// <summary><c>avx2</c>.</summary>
    public required bool Avx2 { get; init; }
    /// <summary><c>avx512f</c>.</summary>
    public required bool Avx512f { get; init; }
    /// <summary><c>avx512_vnni</c>.</summary>
    public required bool Avx512Vnni { get; init; }
    /// <summary><c>avx_vnni</c>.</summary>
    public required bool AvxVnni { get; init; }
    /// <summary><c>reduce_range_advised</c>: whether 7-bit weights were advised for this CPU.</summary>
    public required bool ReduceRangeAdvised { get; init; }
}
