using PpkmOnnx.Benchmarking.Running;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Benchmarking.Tests.Running;

/// <summary>
/// `ppkm bench` must measure what `ppkm serve` runs: the same truncation and the same label order. Both read the
/// package through ModelPackage; these tests open one package both ways and compare.
/// </summary>
public class BenchAndServeAgreementTests
{
    // 100 words (102 tokens with [CLS]/[SEP]): longer than every max length below, so truncation decides what the model sees.
    private static readonly string LongText = string.Join(" ", Enumerable.Repeat("good movie", 50));

    private static BenchmarkOptions Options(string package) => new()
    {
        Models = [BenchmarkModelInput.ForPackage(package)],
        Dataset = BenchmarkDataset.Create(["good", "bad", "ok", LongText], [2, 0, 1, 2], TinyPackage.LabelNames, "agreement"),
        Provider = ExecutionProviderPreference.Cpu,
        IntraOpThreads = 1,
        BatchSizes = [],
    };

    private static string Package(TempFolder temp, int? exportedMaxLength, int maxPositions, string[]? id2label = null)
    {
        var package = temp.Combine("package");
        // tokenizer_config.json says model_max_length 64; the ONNX metadata's ppkm.max_length is the exported length, if any.
        TinyPackage.HandSet().WriteTo(package, labels: id2label, maxPositions: maxPositions, exportedMaxLength: exportedMaxLength);
        return package;
    }

    [Theory]
    [InlineData(16, 64, 16)]    // the length the package was exported for
    [InlineData(null, 64, 64)]  // none recorded: the tokenizer's limit (bench used to assume 128 here)
    [InlineData(null, 40, 40)]  // never beyond the position table
    [InlineData(48, 40, 40)]
    public void Bench_and_serve_truncate_at_the_same_length(int? exportedMaxLength, int maxPositions, int expected)
    {
        using var temp = TestPaths.NewTempFolder();
        var package = Package(temp, exportedMaxLength, maxPositions);
        using var served = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        using var benched = LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { });

        Assert.Equal(expected, served.MaxLength);
        Assert.Equal(expected, benched.MaxLength);
        Assert.Equal(served.CountTokens(LongText), benched.Tokenizer.EncodeBatch([LongText], benched.MaxLength).SequenceLength);
        Assert.Equal(expected, served.CountTokens(LongText));
    }

    [Fact]
    public void Bench_reads_classes_in_the_order_serve_names_them_and_maps_each_to_the_test_splits_class_of_that_name()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = Package(temp, 16, 64);
        using (var served = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }))
        using (var benched = LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { }))
        {
            Assert.Equal(TinyPackage.LabelNames, served.Labels);
            Assert.Equal(TinyPackage.LabelNames, benched.Labels);
        }

        // Keys written out of order still mean ids: serve reads negative, neutral, positive and so must bench.
        File.WriteAllText(Path.Combine(package, "config.json"),
            """{"model_type": "bert", "max_position_embeddings": 64, "id2label": {"2": "positive", "0": "negative", "1": "neutral"}}""");
        using (var served = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }))
        using (var benched = LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { }))
        {
            Assert.Equal(TinyPackage.LabelNames, served.Labels);
            Assert.Equal(TinyPackage.LabelNames, benched.Labels);
        }

        Directory.Delete(package, recursive: true);
        Package(temp, 16, 64, id2label: ["negative", "positive", "neutral"]);
        using (var served = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }))
            Assert.Equal(["negative", "positive", "neutral"], served.Labels);
        using (var benched = LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { }))
        {
            Assert.Equal(["negative", "positive", "neutral"], benched.Labels);
            // The test split is negative 0, neutral 1, positive 2: package class 1 (positive) is its 2, class 2 (neutral) its 1.
            Assert.Equal([0, 2, 1], benched.DataClassIds);
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(null)]
    public void Bench_scores_texts_as_serve_does_and_both_predict_the_hand_computed_class(int? exportedMaxLength)
    {
        using var temp = TestPaths.NewTempFolder();
        var package = Package(temp, exportedMaxLength, 64);
        string[] texts = ["good", "the movie was awful", "ok fine", "not good", "great movies", LongText];
        using var served = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        using var benched = LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { });

        using var inputs = ClassifierInputs.Create(benched.Tokenizer.EncodeBatch(texts, benched.MaxLength));
        var benchLogits = benched.Variants[0].Session.Logits(inputs);
        var servedResults = served.Classify(texts);
        var reference = TinyPackage.HandSet();
        for (int i = 0; i < texts.Length; i++)
        {
            // The hand computation sees the tokens both truncate to.
            var ids = benched.Tokenizer.EncodeTruncated(texts[i], served.MaxLength);
            Assert.Equal(reference.Predict(ids), servedResults[i].LabelId);
            Assert.Equal(servedResults[i].LabelId, benchLogits.Predicted(i));
            Assert.Equal(servedResults[i].Probabilities, benchLogits.Probabilities(i), (a, b) => Math.Abs(a - b) < 1e-6);
        }
        Assert.Equal(3, texts.Take(5).Select(t => servedResults[Array.IndexOf(texts, t)].LabelId).Distinct().Count());
    }

    [Fact]
    public void Bench_refuses_a_package_that_names_no_labels_as_serve_does()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = Package(temp, 16, 64);
        File.WriteAllText(Path.Combine(package, "config.json"), """{"model_type": "bert", "max_position_embeddings": 64}""");
        var served = Assert.Throws<UserInputException>(() => SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu }));
        var benched = Assert.Throws<UserInputException>(() => LoadedModel.Open(BenchmarkModelInput.ForPackage(package), Options(package), _ => { }));
        Assert.Contains("no id2label", served.Message);
        Assert.Equal(served.Message, benched.Message);
    }
}
