using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// Which oneMKL kernels libtorch's float32 GEMMs run. libtorch links oneMKL statically, and oneMKL asks
/// <c>mkl_serv_intel_cpu_true()</c> whether the CPU is Intel's before it dispatches by instruction set: on any other
/// vendor it runs its generic SSE path (on an AVX-512 Intel Xeon, answering "not Intel" cut SGEMM from 310 to 61 GFLOP/s
/// and a MiniLM step from 0.64 to 3.3 s, the slowdown measured on AMD EPYC). libtorch reaches that function through a
/// lazily bound PLT slot, so this class points the slot at its own answer before the first GEMM — the same override
/// PyTorch's maintainers give for AMD CPUs as an <c>LD_PRELOAD</c>, done in process. oneMKL then picks its kernels by the
/// instruction sets the CPU reports (CPUID), as it does on Intel's.
/// </summary>
public static unsafe partial class MklKernels
{
    /// <summary>The environment variable that chooses the <see cref="MklKernelMode"/>: auto (default), vendor or generic.</summary>
    public const string ModeVariable = "PPKM_MKL_KERNELS";

    private const string LibraryFile = "libtorch_cpu.so";
    private const string VendorCheck = "mkl_serv_intel_cpu_true";
    private static readonly Lazy<MklKernelState> Configured = new(() => Configure(ReadMode(), CpuFeatures.Current), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Applies the mode <see cref="ModeVariable"/> names, once per process (later calls return the first result); call it
    /// before the process's first GEMM, since oneMKL settles its kernels then.
    /// </summary>
    /// <exception cref="InvalidSettingException">The variable holds something other than auto, vendor or generic.</exception>
    public static MklKernelState EnsureConfigured() => Configured.Value;

    /// <summary>The mode <see cref="ModeVariable"/> names (unset or empty: <see cref="MklKernelMode.Auto"/>).</summary>
    /// <exception cref="InvalidSettingException">Any other value than auto, vendor or generic.</exception>
    public static MklKernelMode ReadMode() => ParseMode(Environment.GetEnvironmentVariable(ModeVariable));

    /// <summary>The mode spelled <paramref name="value"/> (null or empty: <see cref="MklKernelMode.Auto"/>).</summary>
    /// <exception cref="InvalidSettingException">Any other value than auto, vendor or generic.</exception>
    public static MklKernelMode ParseMode(string? value) => EnvironmentChoice.Parse<MklKernelMode>(ModeVariable, value);

    private static MklKernelState Configure(MklKernelMode mode, CpuFeatures cpu)
    {
        // auto answers "Intel" only where oneMKL would otherwise fall back: x86-64 CPUs of other vendors with AVX2.
        bool? answer = mode switch
        {
            MklKernelMode.Generic => false,
            MklKernelMode.Auto when RuntimeInformation.ProcessArchitecture == Architecture.X64 && cpu.Avx2 && cpu.Vendor != "GenuineIntel" => true,
            _ => null,
        };
        string? failure = null;
        if (answer is { } intel)
        {
            // Load libtorch without calling into it: oneMKL settles its kernels at its first call.
            NativeLibrary.TryLoad("torch_cpu", typeof(MklKernels).Assembly, null, out _);
            failure = PltSlot.Find(LibraryFile, VendorCheck) is { } slot
                ? slot.Point(intel ? (IntPtr)(delegate* unmanaged<int>)&AnswerIntel : (IntPtr)(delegate* unmanaged<int>)&AnswerNotIntel)
                : $"no PLT slot for {VendorCheck} in the loaded {LibraryFile}";
        }
        return new MklKernelState(mode, failure is null ? answer : null, CodePath(), failure);
    }

    /// <summary>oneMKL's code-path number for this process (<c>mkl_serv_cpu_detect</c>; 0 is its generic path), or null without libtorch's oneMKL.</summary>
    private static int? CodePath()
    {
        try { return mkl_serv_cpu_detect(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    [UnmanagedCallersOnly]
    private static int AnswerIntel() => 1;

    [UnmanagedCallersOnly]
    private static int AnswerNotIntel() => 0;

    // TorchSharp has loaded libtorch_cpu.so by the time a trainer runs; this binds to the same loaded copy.
    [LibraryImport("torch_cpu")]
    private static partial int mkl_serv_cpu_detect();
}
