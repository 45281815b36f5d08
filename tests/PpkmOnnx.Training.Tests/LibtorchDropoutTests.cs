using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="LibtorchDropout"/>, the default dropout's C# mask draw, against libtorch's own <c>dropout</c> as the reference:
/// from the same seed the outputs, the gradients and every later draw from torch's generator must be equal bit for bit.
/// </summary>
public class LibtorchDropoutTests
{
    /// <summary>The output, x's gradient, and four later generator draws, after <paramref name="dropout"/> from a fixed seed.</summary>
    private static (float[] Output, float[] Gradient, float[] Later) Run(Func<Tensor, Tensor> dropout, long[] shape, int drawsBefore)
    {
        torch.manual_seed(20261201);
        using var x = torch.randn(shape).requires_grad_(true);
        // Draws before the dropout move the generator to an odd position or across a state regeneration (624 words).
        if (drawsBefore > 0) torch.rand(drawsBefore).Dispose();
        using var y = dropout(x);
        using var weights = torch.arange(y.numel(), dtype: ScalarType.Float32).reshape(shape);
        y.mul(weights).sum().backward();
        using var later = torch.rand(4);
        return (y.detach().data<float>().ToArray(), x.grad!.data<float>().ToArray(), later.data<float>().ToArray());
    }

    [Theory]
    [InlineData(0.1, new long[] { 7 }, 0)]               // shorter than one vector: the scalar tail only
    [InlineData(0.1, new long[] { 311 }, 0)]             // 622 words: ends two short of a regeneration
    [InlineData(0.1, new long[] { 2, 3, 97 }, 3)]        // starts at an odd word, so pairs straddle vectors
    [InlineData(0.2, new long[] { 4, 1000 }, 623)]       // starts on the last word before a regeneration
    [InlineData(0.35, new long[] { 9000 }, 1)]           // 1/0.65 is not exact in float32
    [InlineData(0.5, new long[] { 3, 4, 64, 64 }, 5)]   // an attention-probabilities shape
    [InlineData(0.9, new long[] { 1001 }, 2)]
    [InlineData(0.1, new long[] { 3, 50_001 }, 7)]      // 36 chunks of 4,096 and a part of one
    public void Outputs_gradients_and_later_draws_equal_libtorchs(double p, long[] shape, int drawsBefore)
    {
        var expected = Run(x => nn.functional.dropout(x, p, true), shape, drawsBefore);
        var actual = Run(x => LibtorchDropout.Apply(x, p), shape, drawsBefore);
        Assert.Contains(0f, expected.Output); // the draw dropped something, so equality checks the masks
        Assert.Equal(expected.Output, actual.Output);
        Assert.Equal(expected.Gradient, actual.Gradient);
        Assert.Equal(expected.Later, actual.Later);
    }

    [Fact]
    public void Consecutive_calls_continue_the_generator_as_libtorch_does()
    {
        float[] Draw(Func<Tensor, double, Tensor> dropout)
        {
            torch.manual_seed(7);
            using var x = torch.ones(5, 77);
            var outputs = new List<float>();
            foreach (var p in new[] { 0.1, 0.3, 0.1 })
                using (var y = dropout(x, p)) outputs.AddRange(y.data<float>().ToArray());
            return outputs.ToArray();
        }
        Assert.Equal(Draw((x, p) => nn.functional.dropout(x, p, true)), Draw(LibtorchDropout.Apply));
    }

    [Fact]
    public void Kept_elements_are_scaled_by_float32s_reciprocal_of_the_keep_share()
    {
        torch.manual_seed(3);
        using var x = torch.ones(1000);
        using var y = LibtorchDropout.Apply(x, 0.1);
        var values = y.data<float>().ToArray().Distinct().Order().ToArray();
        Assert.Equal(new[] { 0f, 1.1111112f }, values); // 1f / 0.9f, the value libtorch's div_ gives
    }

    [Fact]
    public void Layouts_and_probabilities_it_does_not_draw_for_go_to_libtorch()
    {
        torch.manual_seed(11);
        using var x = torch.randn(16, 24);
        using var transposed = x.t(); // not contiguous: libtorch draws in memory order
        float[] Transposed(Func<Tensor, Tensor> dropout)
        {
            torch.manual_seed(5);
            using var y = dropout(transposed);
            return y.contiguous().data<float>().ToArray();
        }
        Assert.Equal(Transposed(t => nn.functional.dropout(t, 0.25, true)), Transposed(t => LibtorchDropout.Apply(t, 0.25)));
        Assert.Equal(x.data<float>().ToArray(), LibtorchDropout.Apply(x, 0.0).data<float>().ToArray());
        Assert.All(LibtorchDropout.Apply(x, 1.0).data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.ThrowsAny<Exception>(() => LibtorchDropout.Apply(x, 1.5)); // libtorch's own range check
    }

    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void A_model_in_training_mode_gives_the_logits_and_gradients_of_libtorchs_own_dropout(ModelArchitecture architecture)
    {
        // Every dropout site (embeddings, attention probabilities, residual branches, classifier) draws in turn from one
        // generator, so any site that drew differently would change every later draw and the logits.
        (float[] Logits, float[] Gradient) Step(ModelComputeOptions compute)
        {
            var config = architecture == ModelArchitecture.Bert ? TinyModels.Bert() : TinyModels.DistilBert();
            torch.manual_seed(42);
            using SequenceClassifier model = architecture == ModelArchitecture.Bert
                ? BertForSequenceClassification.Create(config, compute)
                : DistilBertForSequenceClassification.Create(config, compute);
            model.train();
            using var ids = torch.randint(5, config.VocabSize, new long[] { 4, 12 });
            using var mask = torch.ones(4, 12, dtype: ScalarType.Int64);
            using var types = torch.zeros(4, 12, dtype: ScalarType.Int64);
            using var logits = model.Forward(ids, mask, types);
            logits.sum().backward();
            var gradient = model.parameters().First(p => p.grad is not null).grad!.data<float>().ToArray();
            return (logits.detach().data<float>().ToArray(), gradient);
        }
        var expected = Step(new ModelComputeOptions { NativeLibtorchDropout = true });
        var actual = Step(ModelComputeOptions.Default);
        Assert.Equal(expected.Logits, actual.Logits);
        Assert.Equal(expected.Gradient, actual.Gradient);
        Assert.NotEqual(expected.Logits, Step(new ModelComputeOptions { Dropout = DropoutKernel.Counter }).Logits); // dropout was on
    }
}
