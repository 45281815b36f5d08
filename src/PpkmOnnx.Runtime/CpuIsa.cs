using System.Runtime.Intrinsics.X86;

namespace PpkmOnnx.Runtime;

/// <summary>
/// The CPU instruction-set level that decides which kernels ONNX Runtime picks, so an optimized graph saved on one
/// machine is not reused on a machine with different kernels.
/// </summary>
public static class CpuIsa
{
    /// <summary>A short tag: <c>avx512vnni</c>, <c>avx512</c>, <c>avxvnni</c>, <c>avx2</c>, <c>sse41</c>, <c>x86</c> or the process architecture.</summary>
    public static string Tag { get; } = Detect();

    private static string Detect()
    {
        if (!X86Base.IsSupported) return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (Avx512F.IsSupported && IsAvx512Vnni()) return "avx512vnni";
        if (Avx512F.IsSupported) return "avx512";
        if (AvxVnni.IsSupported) return "avxvnni";
        if (Avx2.IsSupported) return "avx2";
        if (Sse41.IsSupported) return "sse41";
        return "x86";
    }

    // AVX-512 VNNI has no dedicated IsSupported in every runtime; query CPUID leaf 7 ECX bit 11 directly.
    private static bool IsAvx512Vnni()
    {
        var (_, _, ecx, _) = X86Base.CpuId(7, 0);
        return (ecx & (1 << 11)) != 0;
    }
}
