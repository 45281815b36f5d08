using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace PpkmOnnx.Core.Platform;

/// <summary>
/// The CPU vector extensions that decide which kernels ONNX Runtime picks and how fast (and how exactly) its int8
/// kernels run: with VNNI, u8×s8 dot products accumulate in 32 bits; with plain AVX2 they pass through saturating
/// 16-bit sums, which is why reduced-range (7-bit) weights exist. One detection serves the quantizer's report,
/// the optimized-model cache key and the benchmark's environment record.
/// </summary>
public sealed record CpuFeatures
{
    /// <summary>True when the process runs on x86/x64.</summary>
    public required bool IsX86 { get; init; }
    /// <summary>AVX2.</summary>
    public required bool Avx2 { get; init; }
    /// <summary>FMA3.</summary>
    public required bool Fma { get; init; }
    /// <summary>AVX-512 Foundation.</summary>
    public required bool Avx512F { get; init; }
    /// <summary>AVX-512 Byte/Word.</summary>
    public required bool Avx512BW { get; init; }
    /// <summary>AVX-512 VNNI (CPUID 7.0:ECX bit 11), counted only where AVX-512F is usable.</summary>
    public required bool Avx512Vnni { get; init; }
    /// <summary>AVX-VNNI on 256-bit registers (CPUID 7.1:EAX bit 4), counted only where AVX2 is usable.</summary>
    public required bool AvxVnni { get; init; }
    /// <summary>SSE4.1.</summary>
    public required bool Sse41 { get; init; }
    /// <summary>Arm Advanced SIMD (NEON).</summary>
    public required bool Neon { get; init; }
    /// <summary>The process architecture, lower case (<c>x64</c>, <c>arm64</c>, …).</summary>
    public required string Architecture { get; init; }

    /// <summary>The running CPU, detected once.</summary>
    public static CpuFeatures Current { get; } = Detect();

    /// <summary>True when some VNNI flavour is present.</summary>
    public bool HasVnni => Avx512Vnni || AvxVnni;

    /// <summary>Whether reduced-range (7-bit) weights are advisable on this CPU: x86 without VNNI.</summary>
    public bool ReduceRangeAdvised => IsX86 && !HasVnni;

    /// <summary>A short description such as <c>AVX2 (no VNNI)</c>.</summary>
    public string Summary =>
        !IsX86 ? "not x86" :
        (Avx512F ? "AVX-512" : Avx2 ? "AVX2" : "SSE") + (Avx512Vnni ? " + AVX512-VNNI" : AvxVnni ? " + AVX-VNNI" : " (no VNNI)");

    /// <summary>
    /// The instruction-set level as a short tag for cache keys, so an optimized graph saved on one machine is not reused
    /// on a machine with different kernels: <c>avx512vnni</c>, <c>avx512</c>, <c>avxvnni</c>, <c>avx2</c>, <c>sse41</c>,
    /// <c>x86</c> or the process architecture.
    /// </summary>
    public string CacheTag =>
        !IsX86 ? Architecture :
        Avx512Vnni ? "avx512vnni" :
        Avx512F ? "avx512" :
        AvxVnni ? "avxvnni" :
        Avx2 ? "avx2" :
        Sse41 ? "sse41" : "x86";

    /// <summary>The extensions that matter for INT8/FP32 GEMM speed, as display names (<c>AVX2</c>, <c>FMA</c>, <c>AVX-512F</c>, …).</summary>
    public IReadOnlyList<string> InstructionSets
    {
        get
        {
            var sets = new List<string>();
            if (Avx2) sets.Add("AVX2");
            if (Fma) sets.Add("FMA");
            if (Avx512F) sets.Add("AVX-512F");
            if (Avx512BW) sets.Add("AVX-512BW");
            if (AvxVnni) sets.Add("AVX-VNNI");
            if (Avx512Vnni) sets.Add("AVX-512-VNNI");
            if (Neon) sets.Add("NEON");
            return sets;
        }
    }

    /// <summary>Detects the running CPU (prefer <see cref="Current"/>, which does it once).</summary>
    public static CpuFeatures Detect()
    {
        bool avx512Vnni = false, avxVnni = false;
        if (X86Base.IsSupported)
        {
            // Leaf 7 exists only when CPUID 0 reports it; asking beyond the maximum leaf returns another leaf's data.
            var (maxLeaf, _, _, _) = X86Base.CpuId(0, 0);
            if (maxLeaf >= 7)
            {
                var (_, _, ecx7, _) = X86Base.CpuId(7, 0);
                avx512Vnni = (ecx7 & (1 << 11)) != 0 && System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
                var (eax71, _, _, _) = X86Base.CpuId(7, 1);
                avxVnni = (eax71 & (1 << 4)) != 0 && System.Runtime.Intrinsics.X86.Avx2.IsSupported;
            }
        }
        return new CpuFeatures
        {
            IsX86 = X86Base.IsSupported,
            Avx2 = System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            Fma = System.Runtime.Intrinsics.X86.Fma.IsSupported,
            Avx512F = System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
            Avx512BW = System.Runtime.Intrinsics.X86.Avx512BW.IsSupported,
            Avx512Vnni = avx512Vnni,
            AvxVnni = avxVnni,
            Sse41 = System.Runtime.Intrinsics.X86.Sse41.IsSupported,
            Neon = AdvSimd.IsSupported,
            Architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        };
    }
}
