namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>The facts of one pruning run that the report shows, as <see cref="PruneRecordReader"/> read them from prune.json (<see cref="PpkmOnnx.Core.Packaging.Records.PruneFileRecord"/>).</summary>
public sealed record PruneRecord
{
    /// <summary>The prune.json these facts came from (full path).</summary>
    public required string Path { get; init; }
    /// <summary>The unpruned checkpoint folder the run started from (full path; prune.json <c>source</c>).</summary>
    public required string SourceCheckpoint { get; init; }
    /// <summary>Attention heads over all layers before pruning (sum of <c>layers[].heads_before</c>).</summary>
    public required int HeadsBefore { get; init; }
    /// <summary>Attention heads over all layers after pruning (sum of <c>layers[].heads_after</c>).</summary>
    public required int HeadsAfter { get; init; }
    /// <summary>FFN neurons per layer before pruning (<c>intermediate_size.before</c>).</summary>
    public required int FfnBefore { get; init; }
    /// <summary>FFN neurons per layer after pruning (<c>intermediate_size.after</c>; every layer keeps the same number).</summary>
    public required int FfnAfter { get; init; }
    /// <summary>Parameters of the source (<c>parameters.before</c>).</summary>
    public required long ParametersBefore { get; init; }
    /// <summary>Parameters of the pruned model (<c>parameters.after</c>).</summary>
    public required long ParametersAfter { get; init; }
    /// <summary>The guard's verdict: <c>accepted</c>, <c>forced</c> or <c>rejected</c>.</summary>
    public required string GuardStatus { get; init; }
    /// <summary>The guard's checks, one per split.</summary>
    public required IReadOnlyList<PruneGuardCheck> GuardChecks { get; init; }

    /// <summary>Share of the source's attention heads kept, 0..1.</summary>
    public double HeadsKept => (double)HeadsAfter / HeadsBefore;

    /// <summary>Share of the source's FFN neurons kept, 0..1.</summary>
    public double FfnKept => (double)FfnAfter / FfnBefore;

    /// <summary>The guard's check of <paramref name="set"/> (validation, test), or null when it made none.</summary>
    public PruneGuardCheck? FindCheck(string set) =>
        GuardChecks.FirstOrDefault(c => string.Equals(c.Set, set, StringComparison.OrdinalIgnoreCase));
}
