namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of prune.json <c>layers</c>: what one encoder layer lost.</summary>
public sealed record PruneLayerRecord
{
    /// <summary><c>layer</c>: the layer index, from 0.</summary>
    public required int Layer { get; init; }
    /// <summary><c>heads_before</c>: attention heads before pruning.</summary>
    public required int HeadsBefore { get; init; }
    /// <summary><c>heads_after</c>: attention heads after pruning.</summary>
    public required int HeadsAfter { get; init; }
    /// <summary><c>heads_removed</c>: the removed heads' original indices (as in <c>pruned_heads</c>), or null.</summary>
    public IReadOnlyList<int>? HeadsRemoved { get; init; }
    /// <summary><c>head_importance</c>: each remaining source head's importance (6 decimals), or null.</summary>
    public IReadOnlyList<double>? HeadImportance { get; init; }
    /// <summary><c>ffn_before</c>: FFN neurons before pruning, or null.</summary>
    public int? FfnBefore { get; init; }
    /// <summary><c>ffn_after</c>: FFN neurons after pruning, or null.</summary>
    public int? FfnAfter { get; init; }
}
