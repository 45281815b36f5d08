namespace PpkmOnnx.Server.Batching;

/// <summary>A model's queue cannot take more texts now; the caller should retry later (HTTP 429).</summary>
public sealed class QueueFullException(string model, int queued, int limit)
    : Exception($"model '{model}' has {queued} texts queued (limit {limit}); retry shortly.")
{
    /// <summary>Suggested wait before retrying.</summary>
    public TimeSpan RetryAfter { get; } = TimeSpan.FromSeconds(1);
}
