namespace PpkmOnnx.Server.Batching;

/// <summary>
/// A model's batcher stopped on an unexpected fault: its waiting requests fail with this, new ones are refused, and the
/// server reports itself not ready (HTTP 503) until it is restarted.
/// </summary>
public sealed class BatcherFaultedException(string model, Exception fault)
    : Exception($"model '{model}' is unavailable: its batcher stopped on an internal error ({fault.GetType().Name}); the server needs a restart.", fault);
