namespace PpkmOnnx.Training.Performance;

/// <summary>What <see cref="MklKernels.EnsureConfigured"/> did in this process, as <c>training.json</c> records it.</summary>
/// <param name="Mode">The mode asked for.</param>
/// <param name="AnsweredIntel">
/// The answer this process gives oneMKL's vendor check (true: Intel, false: not Intel), or null when oneMKL asks the CPU
/// itself (vendor mode, auto on Intel CPUs, or a failed redirect).
/// </param>
/// <param name="CodePath">oneMKL's code-path number after that (<c>mkl_serv_cpu_detect</c>; 0 is its generic path), or null without oneMKL.</param>
/// <param name="Failure">Why the vendor check could not be answered, or null.</param>
public sealed record MklKernelState(MklKernelMode Mode, bool? AnsweredIntel, int? CodePath, string? Failure)
{
    /// <summary>The mode as <c>PPKM_MKL_KERNELS</c> spells it.</summary>
    public string ModeName => EnvironmentChoice.Spell(Mode);

    /// <summary>How oneMKL's vendor check is answered, as the records and the benches word it.</summary>
    public string VendorCheck => AnsweredIntel switch { true => "answered Intel", false => "answered not Intel", null => "asked the CPU" };
}
