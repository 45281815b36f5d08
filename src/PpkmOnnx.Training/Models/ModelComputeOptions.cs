using PpkmOnnx.Core;
using PpkmOnnx.Core.Platform;
using TorchSharp;

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

    /// <summary>
    /// With <see cref="DropoutKernel.Libtorch"/>, whether libtorch's own <c>bernoulli_</c> draws the masks instead of
    /// <see cref="LibtorchDropout"/>: the same masks, slower. Only the benchmark that measures the difference sets it.
    /// </summary>
    internal bool NativeLibtorchDropout { get; init; }

    /// <summary>
    /// Whether the word-embedding lookup always uses libtorch's dense backward, even where the table already has a dense
    /// gradient buffer to add its rows into (see <see cref="SequenceClassifier.EmbedWords"/>): the same gradients, slower.
    /// Only the benchmark that measures the difference sets it.
    /// </summary>
    internal bool DenseWordGradients { get; init; }

    /// <summary>How training.json and <c>--attention</c> spell each <see cref="AttentionKernel"/>, indexed by its value (the default first).</summary>
    public static IReadOnlyList<string> AttentionNames { get; } = ["eager", "fused"];

    /// <summary>How training.json and <c>--precision</c> spell each <see cref="ComputePrecision"/>, indexed by its value (the default first).</summary>
    public static IReadOnlyList<string> PrecisionNames { get; } = ["fp32", "bf16"];

    /// <summary>How training.json and <c>--dropout</c> spell each <see cref="DropoutKernel"/>, indexed by its value (the default first).</summary>
    public static IReadOnlyList<string> DropoutNames { get; } = ["libtorch", "counter"];

    /// <summary><see cref="Attention"/> as <see cref="AttentionNames"/> spells it.</summary>
    public string AttentionName => AttentionNames[(int)Attention];

    /// <summary><see cref="Precision"/> as <see cref="PrecisionNames"/> spells it.</summary>
    public string PrecisionName => PrecisionNames[(int)Precision];

    /// <summary><see cref="Dropout"/> as <see cref="DropoutNames"/> spells it.</summary>
    public string DropoutName => DropoutNames[(int)Dropout];

    /// <summary>The choices spelled as <see cref="AttentionNames"/>, <see cref="PrecisionNames"/> and <see cref="DropoutNames"/> spell them.</summary>
    /// <exception cref="ArgumentException">A spelling that is not among them.</exception>
    public static ModelComputeOptions Parse(string attention, string precision, string dropout) => new()
    {
        Attention = (AttentionKernel)IndexOf(AttentionNames, attention, nameof(attention)),
        Precision = (ComputePrecision)IndexOf(PrecisionNames, precision, nameof(precision)),
        Dropout = (DropoutKernel)IndexOf(DropoutNames, dropout, nameof(dropout)),
    };

    /// <summary>
    /// Refuses bfloat16 products on a CPU without native bfloat16 instructions (AMX-BF16 or AVX-512-BF16), where libtorch
    /// would emulate them more slowly than float32; other devices and choices pass.
    /// </summary>
    /// <exception cref="InvalidSettingException">bf16 on such a CPU (setting <c>Precision</c>).</exception>
    public void EnsureSupportedOn(DeviceType device, CpuFeatures cpu)
    {
        if (Precision == ComputePrecision.BFloat16 && device == DeviceType.CPU && !cpu.HasBf16)
            throw new InvalidSettingException(nameof(Precision),
                $"bf16 needs a CPU with AMX-BF16 or AVX-512-BF16, and this one ({cpu.ModelName}; {string.Join(", ", cpu.InstructionSets)}) has neither: "
                + "libtorch would emulate the bfloat16 products, slower than fp32. Train with fp32.");
    }

    private static int IndexOf(IReadOnlyList<string> names, string text, string what)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == text) return i;
        throw new ArgumentException($"{what} must be one of {string.Join(", ", names)}, got '{text}'.", what);
    }

    /// <summary>Checks every choice is a defined value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined enum value.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Attention)) throw new ArgumentOutOfRangeException(nameof(Attention), Attention, "unknown attention kernel.");
        if (!Enum.IsDefined(Precision)) throw new ArgumentOutOfRangeException(nameof(Precision), Precision, "unknown compute precision.");
        if (!Enum.IsDefined(Dropout)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "unknown dropout kernel.");
    }
}
