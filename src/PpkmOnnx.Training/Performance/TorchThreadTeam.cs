using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// Runs a C# loop over libtorch's own OpenMP threads (<c>GOMP_parallel</c> of the libgomp that libtorch_cpu.so links), so
/// C# kernels working on tensors share the threads libtorch's operators use. A <see cref="Parallel"/> loop instead needs
/// .NET pool threads, and right after a libtorch operator it competes for the cores with OpenMP's workers, which spin for a
/// while before they sleep: on 2 cores a two-way <c>Parallel.For</c> issued right after a libtorch op ran slower than one
/// thread (17.5 against 15.4 ms), the same loop on the OpenMP team in 5.8 ms. Handing a loop to the team costs about
/// 1 µs (4 µs for <c>Parallel.For</c>). Where the process has no such libgomp (another libtorch build, another OS) the loop
/// runs on <see cref="Parallel"/>; inside an OpenMP region it runs on the calling thread.
/// </summary>
internal static unsafe class TorchThreadTeam
{
    private static readonly Lazy<OpenMp?> Team = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Calls <paramref name="body"/>(start, end) on contiguous ranges that cover [0, <paramref name="count"/>) once, at most
    /// one range per thread of <paramref name="threads"/>; every range but the last starts and ends at a multiple of
    /// <paramref name="grain"/>, so a range is never shorter than one grain unless <paramref name="count"/> is. The ranges
    /// run concurrently; exceptions are rethrown on the caller's thread after all ranges have ended (the first one thrown).
    /// </summary>
    public static void For(long count, long grain, int threads, Action<long, long> body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(grain, 1);
        long grains = (count + grain - 1) / grain;
        int parts = (int)Math.Min(Math.Max(threads, 1), grains);
        if (parts <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        var job = new Job(count, grain, grains, parts, body);
        var team = Team.Value;
        if (team is null)
        {
            System.Threading.Tasks.Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, job.RunPart);
        }
        else if (team.InParallel() != 0)
        {
            for (int part = 0; part < parts; part++) job.RunPart(part);
        }
        else
        {
            var handle = GCHandle.Alloc(job);
            try { team.Parallel(&RunOnTeamThread, (void*)GCHandle.ToIntPtr(handle), (uint)parts, 0); }
            finally { handle.Free(); }
        }
        job.Failure?.Throw();
    }

    /// <summary>One loop: its ranges, its body and the first exception a range threw.</summary>
    private sealed class Job(long count, long grain, long grains, int parts, Action<long, long> body)
    {
        public int Parts => parts;

        private ExceptionDispatchInfo? _failure;

        /// <summary>The first exception a range threw, or null.</summary>
        public ExceptionDispatchInfo? Failure => _failure;

        /// <summary>Runs range <paramref name="part"/>: grains [part·grains/parts, (part + 1)·grains/parts).</summary>
        public void RunPart(int part)
        {
            long start = Math.Min(count, part * grains / parts * grain);
            long end = Math.Min(count, (part + 1) * grains / parts * grain);
            if (start >= end) return;
            try { body(start, end); }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }
    }

    /// <summary>
    /// The function every thread of the OpenMP team runs: thread t of n runs ranges t, t + n, …, so every range runs even
    /// when libgomp gives fewer threads than asked. Nothing may propagate out of it into native code.
    /// </summary>
    [UnmanagedCallersOnly]
    private static void RunOnTeamThread(void* data)
    {
        try
        {
            var job = (Job)GCHandle.FromIntPtr((IntPtr)data).Target!;
            var openMp = Team.Value!;
            int thread = openMp.ThreadNumber(), team = Math.Max(1, openMp.TeamSize());
            for (int part = thread; part < job.Parts; part += team) job.RunPart(part);
        }
        catch (Exception e)
        {
            // RunPart records its body's exceptions, so this is a bug (an invalid handle). Returning would skip ranges
            // silently and letting it reach native code is undefined: end the process with the reason.
            Environment.FailFast($"{nameof(TorchThreadTeam)}: a loop could not run on an OpenMP thread.", e);
        }
    }

    /// <summary>libgomp's entry points as libtorch_cpu.so binds them, or null without libtorch's libgomp.</summary>
    private sealed class OpenMp
    {
        public required delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void> Parallel { get; init; }
        public required delegate* unmanaged<int> InParallel { get; init; }
        public required delegate* unmanaged<int> ThreadNumber { get; init; }
        public required delegate* unmanaged<int> TeamSize { get; init; }
    }

    private static OpenMp? Bind()
    {
        // Looked up through libtorch_cpu.so's handle, which resolves them in its own dependencies: the libgomp libtorch links.
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("torch_cpu", typeof(TorchThreadTeam).Assembly, null, out var torch)) return null;
        return NativeLibrary.TryGetExport(torch, "GOMP_parallel", out var parallel)
            && NativeLibrary.TryGetExport(torch, "omp_in_parallel", out var inParallel)
            && NativeLibrary.TryGetExport(torch, "omp_get_thread_num", out var threadNumber)
            && NativeLibrary.TryGetExport(torch, "omp_get_num_threads", out var teamSize)
            ? new OpenMp
            {
                Parallel = (delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void>)parallel,
                InParallel = (delegate* unmanaged<int>)inParallel,
                ThreadNumber = (delegate* unmanaged<int>)threadNumber,
                TeamSize = (delegate* unmanaged<int>)teamSize,
            }
            : null;
    }
}
