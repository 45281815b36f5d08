namespace PpkmOnnx.Training.Models;

/// <summary>
/// How a <see cref="SequenceClassifier"/> computes: its attention kernel, the number format of its matrix products and
/// how it draws dropout masks. Fixed when the model is built. The defaults are Hugging Face's eager float32 path with
/// libtorch's dropout; every other choice changes results beyond float tolerance and is opt-in.
/// </summary>
public sealed record ModelComputeOptions
{
    /// <summary>The defaults: eager attention, float32 products, libtorch's dropout.</summary>
    public static ModelComputeOptions Default { get; } = new();

    /// <summary>How attention is computed.</summary>
    public AttentionKernel Attention { get; init; } = AttentionKernel.Eager;

    /// <summary>The number format of the matrix products (parameters stay float32).</summary>
    public ComputePrecision Precision { get; init; } = ComputePrecision.Float32;

    /// <summary>How dropout masks are drawn in training mode.</summary>
    public DropoutKernel Dropout { get; init; } = DropoutKernel.Libtorch;

    /// <summary><see cref="Attention"/> as training.json and <c>--attention</c> spell it (<c>eager</c>, <c>fused</c>).</summary>
    public string AttentionName => Attention.ToString().ToLowerInvariant();

    /// <summary><see cref="Precision"/> as training.json and <c>--precision</c> spell it (<c>fp32</c>, <c>bf16</c>).</summary>
    public string PrecisionName => Precision == ComputePrecision.Float32 ? "fp32" : "bf16";

    /// <summary><see cref="Dropout"/> as training.json and <c>--dropout</c> spell it (<c>libtorch</c>, <c>counter</c>).</summary>
    public string DropoutName => Dropout.ToString().ToLowerInvariant();

    /// <summary>Checks every choice is a defined value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined enum value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Attention)) throw new ArgumentOutOfRangeException(nameof(Attention), Attention, "unknown attention kernel.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "unknown compute precision.");
        if (!Enum.IsDefined(Dropout)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "unknown dropout kernel.");
    }
}
