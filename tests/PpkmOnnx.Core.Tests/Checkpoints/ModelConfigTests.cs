using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Checkpoints;

public class ModelConfigTests
{
    [Fact]
    public void ReadsDistilBertNamesIntoTheCommonShape()
    {
        var json = JsonNode.Parse("""{"model_type":"distilbert","vocab_size":119547,"dim":768,"n_layers":6,"n_heads":12,"hidden_dim":3072,"max_position_embeddings":512,"activation":"gelu","architectures":["DistilBertForMaskedLM"]}""")!.AsObject();
        var c = ModelConfig.FromJson(json);
        Assert.Equal(ModelArchitecture.DistilBert, c.Architecture);
        Assert.Equal(768, c.HiddenSize);
        Assert.Equal(6, c.NumHiddenLayers);
        Assert.Equal(64, c.HeadSize);
        Assert.Equal(0, c.NumLabels);
        Assert.Equal("DistilBertForMaskedLM", c.Extra["architectures"]![0]!.GetValue<string>());
    }

    [Fact]
    public void RoundTripsLabelsAndUnknownKeys()
    {
        using var tmp = TestPaths.NewTempFolder();
        var c = new ModelConfig
        {
            Architecture = ModelArchitecture.Bert, VocabSize = 50000, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4,
            IntermediateSize = 128, Labels = new[] { "negative", "neutral", "positive" },
            Extra = new JsonObject { ["torch_dtype"] = "float32" },
        };
        c.Save(tmp.Path);
        var back = ModelConfig.Load(tmp.Path);
        Assert.Equal(c.Labels, back.Labels);
        Assert.Equal(50000, back.VocabSize);
        Assert.Equal("float32", back.Extra["torch_dtype"]!.GetValue<string>());
        Assert.Equal(2, back.ToJson()["label2id"]!["positive"]!.GetValue<int>());
    }

    [Fact]
    public void UnsupportedOrBrokenConfigsNameTheProblem()
    {
        Assert.Contains("unsupported model_type 'gpt2'", Assert.Throws<UserInputException>(() => ModelConfig.FromJson(JsonNode.Parse("""{"model_type":"gpt2"}""")!.AsObject())).Message);
        Assert.Contains("missing 'hidden_size'", Assert.Throws<UserInputException>(() => ModelConfig.FromJson(JsonNode.Parse("""{"model_type":"bert","vocab_size":5}""")!.AsObject())).Message);
        using var tmp = TestPaths.NewTempFolder();
        File.WriteAllText(tmp.Combine("config.json"), "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<UserInputException>(() => ModelConfig.Load(tmp.Path)).Message);
        Assert.Contains("not found", Assert.Throws<UserInputException>(() => ModelConfig.Load(tmp.Combine("nope"))).Message);
    }
}
