using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>A quantized variant scored side by side with its FP32 source on one evaluation set.</summary>
public sealed record AccuracyCheck
{
    /// <summary>The evaluation set's name.</summary>
    public required string SetName { get; init; }
    /// <summary>Number of examples.</summary>
    public required int Count { get; init; }
    /// <summary>Metrics of the FP32 source.</summary>
    public required ClassificationMetrics Fp32 { get; init; }
    /// <summary>Metrics of the variant.</summary>
    public required ClassificationMetrics Variant { get; init; }
    /// <summary>Fraction of examples where the variant predicts the same class as FP32.</summary>
    public required double Agreement { get; init; }
    /// <summary>Largest absolute difference between a variant logit and the FP32 logit.</summary>
    public required double MaxAbsLogitDelta { get; init; }
    /// <summary>FP32 macro-F1 minus variant macro-F1 (positive = the variant is worse).</summary>
    public double MacroF1Drop => Fp32.MacroF1 - Variant.MacroF1;
    /// <summary>FP32 weighted F1 minus variant weighted F1.</summary>
    public double WeightedF1Drop => Fp32.WeightedF1 - Variant.WeightedF1;
    /// <summary>FP32 accuracy minus variant accuracy.</summary>
    public double AccuracyDrop => Fp32.Accuracy - Variant.Accuracy;
}
