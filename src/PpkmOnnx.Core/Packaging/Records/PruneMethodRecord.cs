namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>method</c>: how a pruning run scored importance, chose and removed structures, and recovered.</summary>
public sealed record PruneMethodRecord
{
    /// <summary><c>importance</c>: the importance measure, in words.</summary>
    public string? Importance { get; init; }
    /// <summary><c>importance_rows</c>: training rows the importance was measured on.</summary>
    public int? ImportanceRows { get; init; }
    /// <summary><c>selection</c>: how heads and FFN neurons were chosen, in words.</summary>
    public string? Selection { get; init; }
    /// <summary><c>removal</c>: what removing a head or neuron does to the weights, in words.</summary>
    public string? Removal { get; init; }
    /// <summary><c>recovery</c>: the recovery training, in words ("none" when there was none).</summary>
    public string? Recovery { get; init; }
}
