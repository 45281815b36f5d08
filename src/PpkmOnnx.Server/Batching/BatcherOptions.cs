namespace PpkmOnnx.Server.Batching;

/// <summary>How a <see cref="DynamicBatcher"/> groups concurrent requests.</summary>
public sealed record BatcherOptions
{
    /// <summary>Most texts gathered into one batch (a larger single request still runs whole).</summary>
    public int MaxBatchSize { get; init; } = 32;
    /// <summary>
    /// Most real tokens (each text's own, [CLS]/[SEP] included, no padding) gathered into one batch; a larger single request
    /// still runs whole. The classifier then cuts the batch into session runs by padded tokens
    /// (<see cref="PpkmOnnx.Runtime.ClassifierOptions.MaxPaddedTokensPerRun"/>).
    /// </summary>
    public int MaxBatchTokens { get; init; } = 8192;
    /// <summary>Longest the first request of a batch waits for company.</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>
    /// Batches run at once on the shared session (Triton's model instances): with 1, the next batch forms while none
    /// runs; with N, up to N session runs overlap, each on its own thread (pair it with intra-op threads = cores / N).
    /// </summary>
    public int ConcurrentBatches { get; init; } = 1;
    /// <summary>Most texts queued or running; beyond it <see cref="QueueFullException"/>.</summary>
    public int MaxQueuedTexts { get; init; } = 1024;
}
