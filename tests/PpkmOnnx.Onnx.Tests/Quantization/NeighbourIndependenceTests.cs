using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>
/// Same input, same answer: a text's scores are bit-identical whether it is classified alone or inside batches of other
/// texts, for every variant. Dynamic INT8 computes one activation scale per batch (and static INT8 moves in the last
/// bits), so they need <see cref="ClassifierOptions.RunTextsAlone"/> (their default); the control shows the dependence it removes.
/// </summary>
public sealed class NeighbourIndependenceTests
{
    private static string Package(TempFolder tmp)
    {
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        // A full config.json, so the runtime can load the package as it loads exported ones.
        File.WriteAllText(Path.Combine(package, "config.json"), $$"""
            {"model_type":"bert","architectures":["BertForSequenceClassification"],"vocab_size":{{TinyFusedBert.Vocab}},"hidden_size":{{TinyFusedBert.Hidden}},
             "num_hidden_layers":1,"num_attention_heads":4,"intermediate_size":64,"max_position_embeddings":64,
             "id2label":{"0":"negative","1":"neutral","2":"positive"} }
            """);
        OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package });
        OnnxQuantizer.Quantize(new QuantizeOptions { PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = TinyFusedBert.Texts(64, 3) });
        return package;
    }

    private static float[] Scores(ClassificationResult r) => r.Scores.OrderBy(s => s.Label, StringComparer.Ordinal).Select(s => s.Score).ToArray();

    // The text alone, then at the front, middle and end of batches of shorter and longer neighbours.
    private static List<(float[] Alone, float[] InBatch)> AloneVersusBatched(SentimentClassifier classifier, string text)
    {
        var neighbours = TinyFusedBert.Texts(40, 9);
        var alone = Scores(classifier.Classify(text));
        var pairs = new List<(float[], float[])>();
        foreach (var batch in new[] { [text, .. neighbours[..7]], [.. neighbours[..20], text, .. neighbours[20..]], neighbours[..3].Append(text).ToList() })
            pairs.Add((alone, Scores(classifier.Classify(batch)[batch.IndexOf(text)])));
        return pairs;
    }

    [Theory]
    [InlineData(ModelVariant.Fp32)]
    [InlineData(ModelVariant.Int8)]
    [InlineData(ModelVariant.Int8Static)]
    public void A_texts_scores_do_not_depend_on_its_batch_neighbours(ModelVariant variant)
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = Package(tmp);
        using var classifier = SentimentClassifier.Load(package, new ClassifierOptions
        {
            Variant = variant, ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1, ParallelRuns = 2,
        });
        Assert.Equal(variant != ModelVariant.Fp32, classifier.Options.EffectiveRunTextsAlone);
        foreach (var text in TinyFusedBert.Texts(6, 5))
            foreach (var (alone, inBatch) in AloneVersusBatched(classifier, text))
                Assert.Equal(alone, inBatch); // bit-identical floats
    }

    [Fact]
    public void Dynamic_int8_batched_together_depends_on_the_neighbours()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = Package(tmp);
        using var classifier = SentimentClassifier.Load(package, new ClassifierOptions
        {
            Variant = ModelVariant.Int8, ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1, RunTextsAlone = false, RunOverheadTokens = MicroBatchPlan.FewestRuns,
        });
        var differing = TinyFusedBert.Texts(6, 5).SelectMany(t => AloneVersusBatched(classifier, t)).Count(p => !p.Alone.SequenceEqual(p.InBatch));
        Assert.True(differing > 0, "one activation scale per batch should move some scores; if it does not, the RunTextsAlone default costs throughput for nothing.");
    }
}
