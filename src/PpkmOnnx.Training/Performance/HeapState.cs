namespace PpkmOnnx.Training.Performance;

/// <summary>What <see cref="HeapSettings.EnsureConfigured"/> did in this process, as <c>training.json</c> records it.</summary>
/// <param name="Mode">The mode asked for.</param>
/// <param name="MmapThresholdBytes">The mmap threshold set, or null when glibc's own (adaptive) one applies.</param>
/// <param name="TrimThresholdBytes">The trim threshold set, or null when glibc's own applies.</param>
/// <param name="Failure">Why the settings could not be applied (not glibc, or mallopt refused), or null.</param>
public sealed record HeapState(HeapMode Mode, int? MmapThresholdBytes, int? TrimThresholdBytes, string? Failure)
{
    /// <summary>The mode as <c>PPKM_MALLOC</c> spells it.</summary>
    public string ModeName => EnvironmentChoice.Spell(Mode);
}
