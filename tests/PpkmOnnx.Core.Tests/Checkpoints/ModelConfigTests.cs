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

    private const string Bert = """{"model_type":"bert","vocab_size":100,"hidden_size":32,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":64}""";
    private const string DistilBert = """{"model_type":"distilbert","vocab_size":100,"dim":32,"n_layers":2,"n_heads":4,"hidden_dim":64}""";

    [Theory]
    [InlineData(Bert, "num_attention_heads", "7", "config.json: num_attention_heads: 7 heads do not divide the hidden size 32 (hidden_size).")]
    [InlineData(DistilBert, "n_heads", "5", "config.json: n_heads: 5 heads do not divide the hidden size 32 (dim).")]
    [InlineData(Bert, "num_attention_heads", "0", "config.json: num_attention_heads: must be at least 1, got 0.")]
    [InlineData(Bert, "hidden_size", "0", "config.json: hidden_size: must be at least 1, got 0.")]
    [InlineData(DistilBert, "hidden_dim", "-1", "config.json: hidden_dim: must be at least 1, got -1.")]
    [InlineData(Bert, "num_hidden_layers", "0", "config.json: num_hidden_layers: must be at least 1, got 0.")]
    [InlineData(Bert, "vocab_size", "0", "config.json: vocab_size: must be at least 1, got 0.")]
    [InlineData(Bert, "type_vocab_size", "0", "config.json: type_vocab_size: must be at least 1, got 0.")]
    [InlineData(Bert, "max_position_embeddings", "1", "config.json: max_position_embeddings: must be at least 2, got 1.")]
    [InlineData(Bert, "pad_token_id", "100", "config.json: pad_token_id: must be a token id in 0..99, got 100.")]
    [InlineData(Bert, "hidden_dropout_prob", "1.5", "config.json: hidden_dropout_prob: must be a probability in [0, 1], got 1.5.")]
    [InlineData(DistilBert, "attention_dropout", "-0.1", "config.json: attention_dropout: must be a probability in [0, 1], got -0.1.")]
    [InlineData(Bert, "classifier_dropout", "2", "config.json: classifier_dropout: must be a probability in [0, 1], got 2.")]
    [InlineData(Bert, "layer_norm_eps", "-1e-12", "config.json: layer_norm_eps: must be a finite number ≥ 0, got -1E-12.")]
    public void Sizes_and_rates_no_model_can_be_built_from_are_refused_naming_the_key(string config, string key, string value, string expected)
    {
        // The file as it is loads: the one value is what is refused.
        ModelConfig.FromJson(JsonNode.Parse(config)!.AsObject());
        var json = JsonNode.Parse(config)!.AsObject();
        json[key] = JsonNode.Parse(value);
        var e = Assert.Throws<UserInputException>(() => ModelConfig.FromJson(json));
        Assert.Equal(expected, e.Message);
        Assert.Equal(key, e.Field);
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
