using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace PpkmOnnx.Core.Platform;

/// <summary>
/// The CPU vector extensions that decide which kernels ONNX Runtime picks and how fast (and how exactly) its int8
/// kernels run: with VNNI, u8×s8 dot products accumulate in 32 bits; with plain AVX2 they pass through saturating
/// 16-bit sums, which is why reduced-range (7-bit) weights exist. One detection serves the quantizer's report,
/// the optimized-model cache key, the benchmark's environment record and the trainer's <c>training.json</c> (vendor and
/// bf16 support decide which GEMM paths libtorch can take).
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
    /// <summary>AVX-512 BF16 (CPUID 7.1:EAX bit 5: bf16 dot products), counted only where AVX-512F is usable.</summary>
    public bool Avx512Bf16 { get; init; }
    /// <summary>AMX tiles (CPUID 7.0:EDX bit 24), counted only where the kernel lists <c>amx_tile</c> (it must enable the tile state).</summary>
    public bool AmxTile { get; init; }
    /// <summary>AMX bf16 tile multiplies (CPUID 7.0:EDX bit 22), with <see cref="AmxTile"/>.</summary>
    public bool AmxBf16 { get; init; }
    /// <summary>AMX int8 tile multiplies (CPUID 7.0:EDX bit 25), with <see cref="AmxTile"/>.</summary>
    public bool AmxInt8 { get; init; }
    /// <summary>CPUID's vendor string (<c>GenuineIntel</c>, <c>AuthenticAMD</c>, …), or empty off x86.</summary>
    public string Vendor { get; init; } = "";
    /// <summary>The CPU's name: /proc/cpuinfo's "model name", else CPUID's brand string, else the architecture.</summary>
    public string ModelName { get; init; } = "";
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

    /// <summary>Whether bf16 matrix products have hardware support (AVX-512 BF16 or AMX-BF16).</summary>
    public bool HasBf16 => Avx512Bf16 || AmxBf16;

    /// <summary>The extensions that matter for INT8/BF16/FP32 GEMM speed, as display names (<c>AVX2</c>, <c>FMA</c>, <c>AVX-512F</c>, …).</summary>
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
            if (Avx512Bf16) sets.Add("AVX-512-BF16");
            if (AmxBf16) sets.Add("AMX-BF16");
            if (AmxInt8) sets.Add("AMX-INT8");
            if (Neon) sets.Add("NEON");
            return sets;
        }
    }

    /// <summary>Detects the running CPU (prefer <see cref="Current"/>, which does it once).</summary>
    public static CpuFeatures Detect()
    {
        bool avx512Vnni = false, avxVnni = false, avx512Bf16 = false, amxTile = false, amxBf16 = false, amxInt8 = false;
        string vendor = "", brand = "";
        if (X86Base.IsSupported)
        {
            // Leaf 7 exists only when CPUID 0 reports it; asking beyond the maximum leaf returns another leaf's data.
            var (maxLeaf, vb, vc, vd) = X86Base.CpuId(0, 0);
            vendor = Ascii(vb, vd, vc);
            if (maxLeaf >= 7)
            {
                var (_, _, ecx7, edx7) = X86Base.CpuId(7, 0);
                avx512Vnni = (ecx7 & (1 << 11)) != 0 && System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
                var (eax71, _, _, _) = X86Base.CpuId(7, 1);
                avxVnni = (eax71 & (1 << 4)) != 0 && System.Runtime.Intrinsics.X86.Avx2.IsSupported;
                avx512Bf16 = (eax71 & (1 << 5)) != 0 && System.Runtime.Intrinsics.X86.Avx512F.IsSupported;
                // AMX needs the kernel to enable the tile state; Linux lists the flags only when it does.
                var kernelFlags = LinuxFlags();
                amxTile = (edx7 & (1 << 24)) != 0 && (kernelFlags is null || kernelFlags.Contains("amx_tile"));
                amxBf16 = amxTile && (edx7 & (1 << 22)) != 0;
                amxInt8 = amxTile && (edx7 & (1 << 25)) != 0;
            }
            var (maxExtended, _, _, _) = X86Base.CpuId(unchecked((int)0x80000000), 0);
            if ((uint)maxExtended >= 0x80000004)
            {
                var parts = new List<string>();
                for (uint leaf = 0x80000002; leaf <= 0x80000004; leaf++)
                {
                    var (a, b, c, d) = X86Base.CpuId(unchecked((int)leaf), 0);
                    parts.Add(Ascii(a, b, c, d));
                }
                brand = string.Concat(parts).Trim('\0', ' ');
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
            Avx512Bf16 = avx512Bf16,
            AmxTile = amxTile,
            AmxBf16 = amxBf16,
            AmxInt8 = amxInt8,
            Vendor = vendor,
            ModelName = ProcCpuInfoModelName() ?? (brand.Length > 0 ? brand : RuntimeInformation.ProcessArchitecture.ToString()),
            Sse41 = System.Runtime.Intrinsics.X86.Sse41.IsSupported,
            Neon = AdvSimd.IsSupported,
            Architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        };
    }

    private static string Ascii(params int[] registers)
    {
        var bytes = new byte[registers.Length * 4];
        for (int i = 0; i < registers.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), registers[i]);
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    private static IEnumerable<string>? ProcCpuInfoLines()
    {
        try { return File.Exists("/proc/cpuinfo") ? File.ReadAllLines("/proc/cpuinfo") : null; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static string? ProcCpuInfoModelName() =>
        ProcCpuInfoLines()?.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal) && l.Contains(':'))
            ?.Split(':', 2)[1].Trim();

    private static HashSet<string>? LinuxFlags() =>
        ProcCpuInfoLines()?.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(':'))
            ?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}
