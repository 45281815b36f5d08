namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>recovery</c>: the knowledge distillation after removal.</summary>
public sealed record PruneRecoveryRecord
{
    /// <summary><c>epochs</c>: epochs run.</summary>
    public required int Epochs { get; init; }
    /// <summary><c>best_epoch</c>: the epoch kept (from 1).</summary>
    public required int BestEpoch { get; init; }
    /// <summary><c>validation_macro_f1</c>: the kept epoch's validation macro-F1.</summary>
    public required double ValidationMacroF1 { get; init; }
    /// <summary><c>test_macro_f1</c>: the kept model's test macro-F1, or null when there is no test split.</summary>
    public double? TestMacroF1 { get; init; }
}
