namespace PpkmOnnx.Training.Performance;

/// <summary>
/// The per-process settings a training process applies before libtorch's first GEMM and its first large allocations:
/// how oneMKL's vendor check is answered (<see cref="MklKernels"/>, settled by oneMKL at its first call) and glibc's heap
/// thresholds (<see cref="HeapSettings"/>). Each applies once per process; later calls return the first results.
/// </summary>
internal static class ProcessSettings
{
    /// <summary>Applies both settings as <c>PPKM_MKL_KERNELS</c> and <c>PPKM_MALLOC</c> choose, and returns what each did.</summary>
    /// <exception cref="PpkmOnnx.Core.InvalidSettingException">Either variable names an unknown mode.</exception>
    public static (MklKernelState Mkl, HeapState Heap) EnsureConfigured() => (MklKernels.EnsureConfigured(), HeapSettings.EnsureConfigured());
}
