namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>targets</c>: the shares a pruning run was asked to keep.</summary>
/// <param name="HeadsKeep"><c>heads_keep</c>: share of attention heads to keep, 0..1.</param>
/// <param name="FfnKeep"><c>ffn_keep</c>: share of FFN neurons to keep, 0..1.</param>
public sealed record PruneTargetsRecord(double HeadsKeep, double FfnKeep);
