namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>One split of a pruning run's accuracy guard (prune.json <c>guard.checks[]</c>): the FP32 source against the FP32 pruned model.</summary>
/// <param name="Set">The split: <c>validation</c> or <c>test</c>.</param>
/// <param name="SourceMacroF1">The unpruned source's macro-F1 on the split.</param>
/// <param name="PrunedAccuracy">The pruned model's accuracy on the split.</param>
/// <param name="PrunedMacroF1">The pruned model's macro-F1 on the split.</param>
/// <param name="MacroF1Drop">Source minus pruned macro-F1 (positive: pruning lost quality), as the guard judged it.</param>
public sealed record PruneGuardCheck(string Set, double SourceMacroF1, double PrunedAccuracy, double PrunedMacroF1, double MacroF1Drop);
