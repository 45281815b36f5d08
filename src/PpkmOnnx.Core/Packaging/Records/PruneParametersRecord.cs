namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>parameters</c>: parameter counts before and after pruning.</summary>
public sealed record PruneParametersRecord
{
    /// <summary><c>before</c>: parameters of the source.</summary>
    public required long Before { get; init; }
    /// <summary><c>after</c>: parameters of the pruned model.</summary>
    public required long After { get; init; }
    /// <summary><c>kept</c>: after / before, rounded to 4 decimals, or null.</summary>
    public double? Kept { get; init; }
}
