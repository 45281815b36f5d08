namespace PpkmOnnx.Benchmarking.Results;

/// <summary>How a benchmark measured (copied from the options so a report can say it).</summary>
public sealed record BenchmarkSettings
{
    /// <summary>Timed repeats of every cell; throughput is the median over repeats.</summary>
    public required int Repeats { get; init; }
    /// <summary>Timed <c>Run</c> calls per variant per cell per repeat.</summary>
    public required int Iterations { get; init; }
    /// <summary>Untimed calls per variant per cell before timing.</summary>
    public required int WarmupIterations { get; init; }
    /// <summary>Batch sizes timed.</summary>
    public required IReadOnlyList<int> BatchSizes { get; init; }
    /// <summary>Sequence shapes timed: fixed lengths as numbers ("32") and "data" for the real test lengths.</summary>
    public required IReadOnlyList<string> Sequences { get; init; }
    /// <summary>Maximum tokens per text for evaluation and the "data" shape (null = each model's own maximum).</summary>
    public int? MaxLength { get; init; }
    /// <summary>Batch size of the accuracy pass.</summary>
    public required int EvaluationBatchSize { get; init; }
    /// <summary>
    /// Always true: every repeat runs all variants round-robin, starting one later each repeat (true when the file does not
    /// say). Settable, not init-only: the source generator fills init-only properties through the constructor, which drops this default when the field is missing.
    /// </summary>
    public bool Interleaved { get; set; } = true;
    /// <summary>
    /// The settings a short run (<c>ppkm bench --quick</c>) chose, e.g. <c>repeats 3</c>; options given explicitly win over it
    /// and are not listed (empty when the file does not say). Settable, not init-only: the source generator fills init-only properties through the constructor, which drops this default when the field is missing.
    /// </summary>
    public IReadOnlyList<string> ChosenByQuick { get; set; } = [];
}
