using System.Runtime.Intrinsics.X86;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// The x86 vector extensions that decide how fast (and how exactly) ONNX Runtime's int8 kernels run:
/// with VNNI, u8×s8 dot products accumulate in 32 bits; with plain AVX2 they pass through saturating 16-bit sums,
/// which is why <see cref="QuantizeOptions.ReduceRange"/> (7-bit weights) exists.
/// </summary>
/// <param name="Avx2">AVX2.</param>
/// <param name="Avx512F">AVX-512 Foundation.</param>
/// <param name="Avx512Vnni">AVX-512 VNNI (CPUID 7.0:ECX bit 11).</param>
/// <param name="AvxVnni">AVX-VNNI on 256-bit registers (CPUID 7.1:EAX bit 4).</param>
public sealed record CpuIsa(bool Avx2, bool Avx512F, bool Avx512Vnni, bool AvxVnni)
{
    /// <summary>True when some VNNI flavour is present.</summary>
    public bool HasVnni => Avx512Vnni || AvxVnni;

    /// <summary>A short description such as <c>AVX2 (no VNNI)</c>.</summary>
    public string Summary =>
        !X86Base.IsSupported ? "not x86" :
        (Avx512F ? "AVX-512" : Avx2 ? "AVX2" : "SSE") + (Avx512Vnni ? " + AVX512-VNNI" : AvxVnni ? " + AVX-VNNI" : " (no VNNI)");

    /// <summary>Whether reduced-range (7-bit) weights are advisable on this CPU: x86 without VNNI.</summary>
    public bool ReduceRangeAdvised => X86Base.IsSupported && !HasVnni;

    /// <summary>Detects the running CPU.</summary>
    public static CpuIsa Detect()
    {
        if (!X86Base.IsSupported) return new CpuIsa(false, false, false, false);
        bool avx512Vnni = false, avxVnni = false;
        var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
        if (maxLeaf >= 7)
        {
            var (_, _, ecx7, _) = X86Base.CpuId(7, 0);
            avx512Vnni = (ecx7 & (1 << 11)) != 0 && System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
            var (eax71, _, _, _) = X86Base.CpuId(7, 1);
            avxVnni = (eax71 & (1 << 4)) != 0 && System.Runtime.Intrinsics.X86.Avx2.IsSupported;
        }
        return new CpuIsa(System.Runtime.Intrinsics.X86.Avx2.IsSupported, System.Runtime.Intrinsics.X86.Avx512F.IsSupported, avx512Vnni, avxVnni);
    }
}
