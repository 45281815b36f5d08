namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>What a model is in the pruning trade-off: drawn and labelled differently in its table and chart.</summary>
internal enum TradeOffRole
{
    /// <summary>Exported from a pruned checkpoint (its checkpoint holds a prune.json).</summary>
    Pruned,
    /// <summary>The unpruned checkpoint the pruned models started from (the teacher).</summary>
    Source,
    /// <summary>Any other model of the run (a distilled student, a baseline), there for comparison.</summary>
    Other,
}
