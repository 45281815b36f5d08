namespace PpkmOnnx.Training.Performance;

/// <summary>How <see cref="HeapSettings"/> sets glibc's allocator for training (environment variable <c>PPKM_MALLOC</c>).</summary>
public enum HeapMode
{
    /// <summary>
    /// Serve blocks up to glibc's largest heap threshold (32 MiB) from the heap and never give the heap's top back, so a
    /// step reuses the previous step's pages instead of mapping and faulting in fresh ones. The default.
    /// </summary>
    Reuse,

    /// <summary>glibc's own settings (its threshold starts at 128 KiB and adapts; freed top memory is returned at once).</summary>
    Glibc,
}
