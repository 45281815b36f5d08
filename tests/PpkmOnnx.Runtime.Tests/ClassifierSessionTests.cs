using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime.Sessions;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Runtime.Tests;

/// <summary>The classification core that serving, bench and the exporter's check share, against hand-computed logits.</summary>
public sealed class ClassifierSessionTests : IDisposable
{
    private static readonly string[] Texts = ["PPKM bagus!", "pasar sepi", "tidak suka PPKM lagi, kerja dari rumah aja jelek", "senang"];
    private static readonly SessionSettings Cpu = new() { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1 };

    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void A_padded_batch_runs_to_the_hand_computed_logits_of_each_text(bool tokenTypes, bool float16)
    {
        var model = TinyPackage.Create(41, tokenTypes, maxLength: 8);
        var folder = _temp.Combine($"pkg-{tokenTypes}-{float16}");
        var variant = float16 ? ModelVariant.Fp16 : ModelVariant.Fp32;
        model.WriteTo(folder, variant, float16Logits: float16);
        var path = ModelPackageLayout.ModelPath(folder, variant);
        using var session = ClassifierSession.Open(path, folder, Cpu);
        Assert.Equal(tokenTypes, session.HasTokenTypeIds);
        Assert.Equal(TinyPackage.LabelNames, session.Labels);
        Assert.Equal(8, session.Package.MaxLength);

        // Rows of different lengths (one truncated to 8): padding must not change any row's logits.
        var logits = session.Run(session.Package.Tokenizer.EncodeBatch(Texts, session.Package.MaxLength));
        Assert.Equal((Texts.Length, 3), (logits.Rows, logits.Classes));
        double tolerance = float16 ? 0.01 : 1e-4;
        for (int r = 0; r < Texts.Length; r++)
        {
            var expected = model.ExpectedLogits(folder, Texts[r]);
            for (int c = 0; c < 3; c++) Assert.InRange(logits.Row(r)[c], expected[c] - tolerance * Math.Max(1, Math.Abs(expected[c])), expected[c] + tolerance * Math.Max(1, Math.Abs(expected[c])));
            Assert.Equal(Array.IndexOf(expected, expected.Max()), logits.Predicted(r));
            var probabilities = model.ExpectedProbabilities(folder, Texts[r]);
            for (int c = 0; c < 3; c++) Assert.Equal(probabilities[c], logits.Probabilities(r)[c], float16 ? 2 : 5);
        }
    }

    [Fact]
    public void Prepared_inputs_can_be_run_again_and_give_the_same_logits()
    {
        var folder = _temp.Combine("again");
        TinyPackage.Create(42).WriteTo(folder);
        using var session = ClassifierSession.Open(ModelPackageLayout.ModelPath(folder, ModelVariant.Fp32), folder, Cpu);
        using var inputs = ClassifierInputs.Create(session.Package.Tokenizer.EncodeBatch(Texts, 16));
        var first = session.Run(inputs);
        var second = session.Run(inputs);
        for (int r = 0; r < Texts.Length; r++) Assert.Equal(first.Row(r).ToArray(), second.Row(r).ToArray());
    }

    [Fact]
    public void A_package_that_names_other_labels_than_the_graph_outputs_is_refused_and_the_session_freed()
    {
        var folder = _temp.Combine("two-labels");
        TinyPackage.Create(43).WriteTo(folder, labels: ["bad", "good"]);
        var e = Assert.Throws<UserInputException>(() => ClassifierSession.Open(ModelPackageLayout.ModelPath(folder, ModelVariant.Fp32), folder, Cpu));
        Assert.Contains("the graph outputs 3 logits but the package names 2 labels", e.Message);
    }

    [Fact]
    public void Inputs_name_only_the_tensors_a_classifier_is_fed()
    {
        using var inputs = ClassifierInputs.Create(new EncodedBatch([2, 3], [1, 1], [0, 0], 1, 2));
        Assert.Equal(2, inputs.For([ModelGraphNames.InputIds, ModelGraphNames.AttentionMask]).Length);
        Assert.Throws<ArgumentException>(() => inputs.For(["pixel_values"]));
    }

    [Fact]
    public void The_prediction_is_the_argmax_of_the_logits_even_where_the_rounded_probabilities_tie()
    {
        // Logits 1e-9 apart: softmax gives both 0.5 after rounding to float (0.5 ± 2.5e-10), the logits still differ.
        var logits = new ClassifierLogits([0f, 1e-9f, -30f, 0f, 0f, 0f], rows: 2, classes: 3);
        var probabilities = logits.Probabilities(0);
        Assert.Equal(probabilities[0], probabilities[1]);
        Assert.Equal(1, logits.Predicted(0));
        Assert.Equal(0, logits.Predicted(1)); // an exact tie: the first
        Assert.Equal([0f, 0f, 0f], logits.Row(1).ToArray());
        Assert.Throws<ArgumentException>(() => new ClassifierLogits([1f, 2f, 3f], rows: 2, classes: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => logits.Row(2));
    }
}
