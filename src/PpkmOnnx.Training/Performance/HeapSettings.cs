using System.Runtime.InteropServices;
using PpkmOnnx.Core;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// glibc's allocator settings for a training process. libtorch allocates every intermediate tensor with malloc, and a
/// MiniLM step frees and reallocates hundreds of megabytes in blocks of 3–25 MB. Under glibc's defaults many of them are
/// mapped afresh (its adaptive mmap threshold starts at 128 KiB) or land in heap top that is returned to the kernel when
/// freed, so every step page-faults and zero-fills them again: about 26,000 faults and 50 ms of kernel time a step at
/// 32 × 64 on 2 threads. <see cref="HeapMode.Reuse"/> keeps those pages, as the jemalloc/tcmalloc preloads that PyTorch's
/// CPU tuning guides recommend do, through glibc's own <c>mallopt</c> and in process.
/// </summary>
public static partial class HeapSettings
{
    /// <summary>The environment variable that chooses the <see cref="HeapMode"/>: reuse (default) or glibc.</summary>
    public const string ModeVariable = "PPKM_MALLOC";

    /// <summary>glibc's largest accepted mmap threshold on 64-bit (HEAP_MAX_SIZE / 2); larger blocks are always mapped.</summary>
    internal const int MmapThresholdBytes = 32 << 20;

    /// <summary>Heap top kept when freed: in effect never trimmed (the process's peak stays resident, as with a caching allocator).</summary>
    internal const int TrimThresholdBytes = int.MaxValue;

    private const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
    private static readonly Lazy<HeapState> Configured = new(() => Configure(ReadMode()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Applies the mode <see cref="ModeVariable"/> names, once per process (later calls return the first result).</summary>
    /// <exception cref="InvalidSettingException">The variable holds something other than reuse or glibc.</exception>
    public static HeapState EnsureConfigured() => Configured.Value;

    /// <summary>The mode <see cref="ModeVariable"/> names (unset or empty: <see cref="HeapMode.Reuse"/>).</summary>
    /// <exception cref="InvalidSettingException">Any other value than reuse or glibc.</exception>
    public static HeapMode ReadMode() => ParseMode(Environment.GetEnvironmentVariable(ModeVariable));

    /// <summary>The mode spelled <paramref name="value"/> (null or empty: <see cref="HeapMode.Reuse"/>).</summary>
    /// <exception cref="InvalidSettingException">Any other value than reuse or glibc.</exception>
    public static HeapMode ParseMode(string? value) => EnvironmentChoice.Parse<HeapMode>(ModeVariable, value);

    private static HeapState Configure(HeapMode mode)
    {
        if (mode == HeapMode.Glibc) return new HeapState(mode, null, null, null);
        if (!OperatingSystem.IsLinux()) return new HeapState(mode, null, null, "not Linux: glibc's mallopt is not there");
        try
        {
            // Both together: setting either one turns glibc's adaptive mmap threshold off, and no trimming under a fixed
            // 128 KiB threshold maps nearly every tensor afresh (measured: 340,000 faults a step).
            if (mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) != 1) return new HeapState(mode, null, null, "mallopt refused the mmap threshold");
            if (mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) != 1) return new HeapState(mode, MmapThresholdBytes, null, "mallopt refused the trim threshold");
            return new HeapState(mode, MmapThresholdBytes, TrimThresholdBytes, null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new HeapState(mode, null, null, "no glibc mallopt in this C library");
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
