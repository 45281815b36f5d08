namespace PpkmOnnx.Training.Performance;

/// <summary>How <see cref="MklKernels"/> answers oneMKL's CPU-vendor check (environment variable <c>PPKM_MKL_KERNELS</c>).</summary>
public enum MklKernelMode
{
    /// <summary>
    /// On x86-64 CPUs of other vendors than Intel that have AVX2, answer "Intel", so oneMKL picks its kernels by
    /// instruction set instead of its generic path; elsewhere leave the check alone. The default.
    /// </summary>
    Auto,

    /// <summary>Leave oneMKL's own vendor check alone (its generic path on non-Intel CPUs).</summary>
    Vendor,

    /// <summary>Answer "not Intel" everywhere: oneMKL's generic path, to reproduce on an Intel CPU what other vendors get.</summary>
    Generic,
}
