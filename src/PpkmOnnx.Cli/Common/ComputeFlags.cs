using System.CommandLine;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// <c>--attention</c>, <c>--precision</c> and <c>--dropout</c>: how a model being trained computes
/// (<see cref="ModelComputeOptions"/>), the same three flags on every command that trains (train, distill, adapt).
/// </summary>
internal sealed class ComputeFlags
{
    public Option<string> Attention { get; } = Choice("--attention", "eager",
        "eager: Hugging Face's attention (matmul, softmax, dropout, matmul); fused: libtorch's scaled_dot_product_attention, "
        + "the same numbers without dropout but different dropout draws, so runs are not comparable step for step with eager ones.", "eager", "fused");
    public Option<string> Precision { get; } = Choice("--precision", "fp32",
        "fp32: every product in float32 (Hugging Face's numerics). bf16: Linear layers' and attention's products in bfloat16 with float32 "
        + "weights, optimizer and everything else (PyTorch's CPU autocast); on CPUs with AMX several times faster products, an error on CPUs "
        + "without AMX-BF16 or AVX-512-BF16. Results differ from fp32 beyond float tolerance: check validation macro-F1.", "fp32", "bf16");
    public Option<string> Dropout { get; } = Choice("--dropout", "libtorch",
        "libtorch: torch's dropout (the same random draws as earlier releases). counter: the same Bernoulli masks from a counter-based hash, "
        + "several times cheaper on CPU (dropout was a third of a step); seeded and resumable, but different draws, so runs are not "
        + "comparable step for step with libtorch ones.", "libtorch", "counter");

    /// <summary>The three flags, for a command's option list.</summary>
    public IEnumerable<Option> All => [Attention, Precision, Dropout];

    /// <summary>What the user chose.</summary>
    public ModelComputeOptions Read(ParseResult p) => new()
    {
        Attention = p.GetValue(Attention) == "fused" ? AttentionKernel.Fused : AttentionKernel.Eager,
        Precision = p.GetValue(Precision) == "bf16" ? ComputePrecision.BFloat16 : ComputePrecision.Float32,
        Dropout = p.GetValue(Dropout) == "counter" ? DropoutKernel.Counter : DropoutKernel.Libtorch,
    };

    private static Option<string> Choice(string name, string defaultValue, string description, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
