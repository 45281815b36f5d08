using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>What <see cref="OnnxQuantizer.Quantize"/> makes from a package's FP32 <c>model.onnx</c>, and how it checks it.</summary>
public sealed record QuantizeOptions
{
    /// <summary>The exported model package (holds model.onnx and config.json).</summary>
    public required string PackageFolder { get; init; }

    /// <summary><see cref="ModelVariant.Int8"/> (dynamic, the CPU default), <see cref="ModelVariant.Int8Static"/> (QDQ, calibrated) or <see cref="ModelVariant.Fp16"/>.</summary>
    public ModelVariant Variant { get; init; } = ModelVariant.Int8;

    /// <summary>Where to write the variant; default: the package's file for <see cref="Variant"/>.</summary>
    public string? OutputPath { get; init; }

    /// <summary>One weight scale per output channel (default) instead of one per tensor.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>7-bit weights (±63): avoids u8×s8 saturation on x86 CPUs without VNNI, at a small resolution cost.</summary>
    public bool ReduceRange { get; init; }

    /// <summary>Dynamic mode: store the word-embedding table as int8 with a per-token scale, dequantized after the Gather.</summary>
    public bool QuantizeWordEmbedding { get; init; }

    /// <summary>
    /// Nodes to keep in FP32: node names, weight or bias initializer names, layer keys (<c>layer.0</c>: every candidate of
    /// encoder layer 0), each possibly a glob (<c>*</c>, <c>?</c>), e.g. <c>layer.5.*</c>. In fp16 mode, node names. Each must name something
    /// the mode converts (<see cref="OnnxQuantizer.Quantize"/> refuses one that does not).
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// Int8 modes: when the validation macro-F1 drop exceeds <see cref="MaxDrop"/>, keep the most sensitive layers in FP32,
    /// one at a time, until it does not (needs <see cref="Validation"/>).
    /// </summary>
    public bool AutoExclude { get; init; }

    /// <summary>Static mode: how activation ranges are chosen.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Static mode with <see cref="CalibrationMethod.Percentile"/>: the central percentage kept (e.g. 99.999).</summary>
    public double CalibrationPercentile { get; init; } = 99.999;

    /// <summary>Static mode: texts to calibrate on; default: the validation texts.</summary>
    public IReadOnlyList<string>? CalibrationTexts { get; init; }

    /// <summary>Static mode: at most this many calibration texts are used (the first ones, so runs are deterministic).</summary>
    public int CalibrationSamples { get; init; } = 128;

    /// <summary>Static mode: int8 activations instead of uint8.</summary>
    public bool SignedActivations { get; init; }

    /// <summary>Validation set for the accuracy guard and for <see cref="AutoExclude"/>; null skips the guard.</summary>
    public EvaluationSet? Validation { get; init; }

    /// <summary>Test set, scored and reported (and guarded) like the validation set.</summary>
    public EvaluationSet? Test { get; init; }

    /// <summary>Largest macro-F1 drop (fraction, 0.01 = one point) accepted on any evaluation set.</summary>
    public double MaxDrop { get; init; } = 0.01;

    /// <summary>Keep the variant even when the guard fails.</summary>
    public bool Force { get; init; }

    /// <summary>Sequence length texts are truncated to for calibration and evaluation; null: the package's (<see cref="PpkmOnnx.Core.Packaging.ModelPackage.MaxLength"/>).</summary>
    public int? MaxLength { get; init; }

    /// <summary>Rows per inference batch for calibration and evaluation.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Turns texts into a batch; default: the package's <see cref="BertWordPieceTokenizer"/> with <see cref="MaxLength"/>.</summary>
    public Func<IReadOnlyList<string>, EncodedBatch>? Tokenize { get; init; }

    /// <summary>Progress lines (optional).</summary>
    public IProgress<string>? Progress { get; init; }

    /// <summary>Stops the work between inference batches and steps; a cancelled run writes neither the variant nor quantize.json.</summary>
    public CancellationToken Cancellation { get; init; }
}
