using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Tests;

/// <summary>The one spelling of the compute choices (<c>--attention/--precision/--dropout</c>, training.json, adapt.json).</summary>
public class ModelComputeOptionsTests
{
    [Fact]
    public void Spellings_parse_to_their_choices_and_back()
    {
        var parsed = ModelComputeOptions.Parse("fused", "bf16", "counter");
        Assert.Equal(new ModelComputeOptions { Attention = AttentionKernel.Fused, Precision = ComputePrecision.BFloat16, Dropout = DropoutKernel.Counter }, parsed);
        Assert.Equal(("fused", "bf16", "counter"), (parsed.AttentionName, parsed.PrecisionName, parsed.DropoutName));
        Assert.Equal(ModelComputeOptions.Default, ModelComputeOptions.Parse("eager", "fp32", "libtorch"));
        Assert.Equal(("eager", "fp32", "libtorch"), (ModelComputeOptions.Default.AttentionName, ModelComputeOptions.Default.PrecisionName, ModelComputeOptions.Default.DropoutName));
    }

    [Fact]
    public void An_unknown_spelling_is_refused_naming_the_choice_and_its_values()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelComputeOptions.Parse("eager", "fp16", "libtorch"));
        Assert.Equal("precision", e.ParamName);
        Assert.StartsWith("precision must be one of fp32, bf16, got 'fp16'.", e.Message);
    }
}
