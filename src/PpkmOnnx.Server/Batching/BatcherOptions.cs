namespace PpkmOnnx.Server.Batching;

/// <summary>How a <see cref="DynamicBatcher"/> groups concurrent requests.</summary>
public sealed record BatcherOptions
{
    /// <summary>Most texts gathered into one batch (a larger single request still runs whole).</summary>
    public int MaxBatchSize { get; init; } = 32;
    /// <summary>Most real tokens gathered into one batch.</summary>
    public int MaxBatchTokens { get; init; } = 8192;
    /// <summary>Longest the first request of a batch waits for company.</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Most texts queued or running; beyond it <see cref="QueueFullException"/>.</summary>
    public int MaxQueuedTexts { get; init; } = 1024;
}
