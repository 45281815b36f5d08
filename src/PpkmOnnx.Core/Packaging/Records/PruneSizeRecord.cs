namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>intermediate_size</c>: FFN neurons per layer before and after pruning.</summary>
/// <param name="Before"><c>before</c>: the source's.</param>
/// <param name="After"><c>after</c>: the pruned model's.</param>
public sealed record PruneSizeRecord(int Before, int After);
