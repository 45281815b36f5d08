using System.CommandLine;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// <c>--attention</c>, <c>--precision</c> and <c>--dropout</c>: how a model being trained computes
/// (<see cref="ModelComputeOptions"/>), the same three flags on every command that trains (train, distill, adapt).
/// </summary>
internal sealed class ComputeFlags
{
    public Option<string> Attention { get; } = Choice("--attention", ModelComputeOptions.AttentionNames,
        "eager: Hugging Face's attention (matmul, softmax, dropout, matmul); fused: libtorch's scaled_dot_product_attention, "
        + "the same numbers without dropout but different dropout draws, so runs are not comparable step for step with eager ones.");
    public Option<string> Precision { get; } = Choice("--precision", ModelComputeOptions.PrecisionNames,
        "fp32: every product in float32 (Hugging Face's numerics). bf16: Linear layers' and attention's products in bfloat16 with float32 "
        + "weights, optimizer and everything else (PyTorch's CPU autocast); on CPUs with AMX several times faster products, an error on CPUs "
        + "without AMX-BF16 or AVX-512-BF16. Results differ from fp32 beyond float tolerance: check validation macro-F1.");
    public Option<string> Dropout { get; } = Choice("--dropout", ModelComputeOptions.DropoutNames,
        "libtorch: torch's dropout masks, bit for bit the random draws of earlier releases (drawn in vectorised C#). counter: the same "
        + "Bernoulli masks from a counter-based hash, computed on every thread; seeded and resumable, but different draws, so runs are not "
        + "comparable step for step with libtorch ones.");

    /// <summary>The three flags, for a command's option list.</summary>
    public IEnumerable<Option> All => [Attention, Precision, Dropout];

    /// <summary>What the user chose.</summary>
    public ModelComputeOptions Read(ParseResult p) => ModelComputeOptions.Parse(p.GetValue(Attention)!, p.GetValue(Precision)!, p.GetValue(Dropout)!);

    // The values and the default (the first) are ModelComputeOptions' spellings, so the flags cannot drift from what it parses.
    private static Option<string> Choice(string name, IReadOnlyList<string> values, string description)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => values[0] };
        option.AcceptOnlyFromAmong([.. values]);
        return option;
    }
}
