using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

public class CheckpointTests
{
    private static readonly EncodedBatch Batch = new(
        new long[] { 2, 5, 6, 7, 3, 2, 9, 3, 0, 0 }, new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, new long[10], 2, 5);

    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void SaveThenLoadGivesIdenticalLogitsUnderHuggingFaceNames(ModelArchitecture arch)
    {
        using var temp = TestPaths.NewTempFolder();
        var config = arch == ModelArchitecture.Bert ? TinyModels.Bert() : TinyModels.DistilBert();
        torch.manual_seed(9);
        using var model = SequenceClassifierFactory.Create(config);
        TinyModels.WriteTokenizer(temp.Combine("tok"));
        File.WriteAllText(temp.Combine("tok", "vocab.txt"), "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n"); // CRLF source
        ModelCheckpoint.Save(model, temp.Combine("out"), temp.Combine("tok"));

        var tensors = SafeTensorsFile.Read(temp.Combine("out", "model.safetensors"));
        Assert.Equal(model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal), tensors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", File.ReadAllText(temp.Combine("out", "vocab.txt")));
        Assert.True(File.Exists(temp.Combine("out", "tokenizer_config.json")));
        Assert.Empty(Directory.GetFiles(temp.Combine("out"), "*.tmp-*"));

        using var loaded = CheckpointLoader.Load(temp.Combine("out"));
        Assert.Empty(loaded.NewlyInitialized);
        Assert.Equal(config.Labels, loaded.Model.Config.Labels);
        Assert.Equal(arch, loaded.Model.Config.Architecture);
        Assert.Equal(model.Logits(Batch), loaded.Model.Logits(Batch));
    }

    [Fact]
    public void BaseModelWithoutPrefixOrHeadLoadsWithFreshPoolerAndClassifier()
    {
        using var temp = TestPaths.NewTempFolder();
        var config = TinyModels.Bert();
        torch.manual_seed(4);
        using var model = BertForSequenceClassification.Create(config);
        // A sentence-transformers-like base folder: no "bert." prefix, no pooler, no head, plus tensors transformers ignores.
        var base_ = model.NamedTensors()
            .Where(kv => kv.Key.StartsWith("bert.", StringComparison.Ordinal) && !kv.Key.StartsWith("bert.pooler.", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key["bert.".Length..], kv => kv.Value);
        base_["embeddings.position_ids"] = new TensorData(new long[] { 1, 64 }, Enumerable.Range(0, 64).Select(i => (float)i).ToArray());
        base_["cls.predictions.bias"] = new TensorData(new long[] { 3 }, new float[3]);
        Directory.CreateDirectory(temp.Path);
        SafeTensorsFile.Write(temp.Combine("model.safetensors"), base_);
        (config with { Labels = Array.Empty<string>() }).Save(temp.Path);

        using var loaded = CheckpointLoader.Load(temp.Path, new CheckpointLoadOptions { Labels = new[] { "neg", "neu", "pos" } });
        Assert.Equal(new[] { "bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias", "classifier.weight" }, loaded.NewlyInitialized.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "cls.predictions.bias", "embeddings.position_ids" }, loaded.Ignored.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "neg", "neu", "pos" }, loaded.Model.Config.Labels);
        var t = loaded.Model.NamedTensors();
        Assert.Equal(new long[] { 3, 32 }, t["classifier.weight"].Shape);
        Assert.All(t["classifier.bias"].Data, v => Assert.Equal(0f, v));
        double std = Math.Sqrt(t["classifier.weight"].Data.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.012, 0.028); // N(0, 0.02) as transformers initialises
        // The encoder is the loaded one: same last hidden state as the source model.
        Assert.Equal(model.LastHiddenState(Batch), loaded.Model.LastHiddenState(Batch));
    }

    [Fact]
    public void ShapeMismatchIsAClearErrorNamingTensorAndShapes()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyModels.SaveFresh(TinyModels.Bert(), temp.Path);
        // config says 48 hidden units, weights have 32.
        (TinyModels.Bert(hidden: 48)).Save(temp.Path);
        var e = Assert.Throws<UserInputException>(() => CheckpointLoader.Load(temp.Path));
        Assert.Contains("model.safetensors", e.Message);
        Assert.Contains("bert.embeddings.word_embeddings.weight is [", e.Message);
        Assert.Contains("32] in the checkpoint but [", e.Message);
        Assert.Contains("48] in the model", e.Message);
    }

    [Fact]
    public void OtherClassesThanAFineTunedHeadsStartAFreshHead()
    {
        // Classes are matched by name (HeadLabelMatching): a head for negative/positive says nothing about a, b, c.
        using var temp = TestPaths.NewTempFolder();
        TinyModels.SaveFresh(TinyModels.Bert(labels: 2), temp.Path);
        using var loaded = CheckpointLoader.Load(temp.Path, new CheckpointLoadOptions { Labels = new[] { "a", "b", "c" } });
        Assert.Equal(["classifier.bias", "classifier.weight"], loaded.NewlyInitialized.Order(StringComparer.Ordinal));
        Assert.Equal("classification head started fresh: the checkpoint's classes [negative, positive] are not the data's [a, b, c]", loaded.HeadOutcome);
    }

    [Fact]
    public void UnexpectedAndMissingEncoderTensorsAreErrors()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyModels.SaveFresh(TinyModels.Bert(), temp.Path);
        var path = temp.Combine("model.safetensors");
        var tensors = SafeTensorsFile.Read(path);
        tensors["bert.encoder.layer.7.output.dense.weight"] = new TensorData(new long[] { 1 }, new float[1]);
        SafeTensorsFile.Write(path, tensors);
        var e = Assert.Throws<UserInputException>(() => CheckpointLoader.Load(temp.Path));
        Assert.Contains("unexpected tensors", e.Message);
        Assert.Contains("bert.encoder.layer.7.output.dense.weight", e.Message);

        tensors.Remove("bert.encoder.layer.7.output.dense.weight");
        tensors.Remove("bert.encoder.layer.1.intermediate.dense.bias");
        SafeTensorsFile.Write(path, tensors);
        e = Assert.Throws<UserInputException>(() => CheckpointLoader.Load(temp.Path));
        Assert.Contains("lacks encoder tensors: bert.encoder.layer.1.intermediate.dense.bias", e.Message);
    }

    [Fact]
    public void MissingWeightsFileIsNamed()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyModels.Bert().Save(temp.Path);
        var e = Assert.Throws<UserInputException>(() => CheckpointLoader.Load(temp.Path));
        Assert.Contains("model.safetensors not found", e.Message);
    }
}
