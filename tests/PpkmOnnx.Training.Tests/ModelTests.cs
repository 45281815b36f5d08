using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

public class ModelTests
{
    [Fact]
    public void BertParameterNamesAreHuggingFaces()
    {
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 1));
        var expected = new[]
        {
            "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
            "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
            "bert.encoder.layer.0.attention.self.query.weight", "bert.encoder.layer.0.attention.self.query.bias",
            "bert.encoder.layer.0.attention.self.key.weight", "bert.encoder.layer.0.attention.self.key.bias",
            "bert.encoder.layer.0.attention.self.value.weight", "bert.encoder.layer.0.attention.self.value.bias",
            "bert.encoder.layer.0.attention.output.dense.weight", "bert.encoder.layer.0.attention.output.dense.bias",
            "bert.encoder.layer.0.attention.output.LayerNorm.weight", "bert.encoder.layer.0.attention.output.LayerNorm.bias",
            "bert.encoder.layer.0.intermediate.dense.weight", "bert.encoder.layer.0.intermediate.dense.bias",
            "bert.encoder.layer.0.output.dense.weight", "bert.encoder.layer.0.output.dense.bias",
            "bert.encoder.layer.0.output.LayerNorm.weight", "bert.encoder.layer.0.output.LayerNorm.bias",
            "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias",
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
        var shapes = model.NamedTensors();
        Assert.Equal(new long[] { 64, 32 }, shapes["bert.encoder.layer.0.intermediate.dense.weight"].Shape); // torch Linear: [out, in]
        Assert.Equal(new long[] { 2, 32 }, shapes["classifier.weight"].Shape);
    }

    [Fact]
    public void DistilBertParameterNamesAreHuggingFaces()
    {
        using var model = DistilBertForSequenceClassification.Create(TinyModels.DistilBert(layers: 1));
        var expected = new[]
        {
            "distilbert.embeddings.word_embeddings.weight", "distilbert.embeddings.position_embeddings.weight",
            "distilbert.embeddings.LayerNorm.weight", "distilbert.embeddings.LayerNorm.bias",
            "distilbert.transformer.layer.0.attention.q_lin.weight", "distilbert.transformer.layer.0.attention.q_lin.bias",
            "distilbert.transformer.layer.0.attention.k_lin.weight", "distilbert.transformer.layer.0.attention.k_lin.bias",
            "distilbert.transformer.layer.0.attention.v_lin.weight", "distilbert.transformer.layer.0.attention.v_lin.bias",
            "distilbert.transformer.layer.0.attention.out_lin.weight", "distilbert.transformer.layer.0.attention.out_lin.bias",
            "distilbert.transformer.layer.0.sa_layer_norm.weight", "distilbert.transformer.layer.0.sa_layer_norm.bias",
            "distilbert.transformer.layer.0.ffn.lin1.weight", "distilbert.transformer.layer.0.ffn.lin1.bias",
            "distilbert.transformer.layer.0.ffn.lin2.weight", "distilbert.transformer.layer.0.ffn.lin2.bias",
            "distilbert.transformer.layer.0.output_layer_norm.weight", "distilbert.transformer.layer.0.output_layer_norm.bias",
            "pre_classifier.weight", "pre_classifier.bias", "classifier.weight", "classifier.bias",
        };
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> Variants => new()
    {
        { "bert", "gelu" },
        { "bert", "gelu_new" },
        { "distilbert", "gelu" },
        { "distilbert", "relu" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void LogitsMatchAnIndependentFloat64ReferenceOnAPaddedBatch(string arch, string act)
    {
        var config = arch == "bert" ? TinyModels.Bert(layers: 2, act: act, labels: 3) : TinyModels.DistilBert(layers: 2, act: act) with { Labels = new[] { "a", "b", "c" } };
        torch.manual_seed(3);
        using var model = SequenceClassifierFactory.Create(config);
        // Perturb LayerNorm/bias parameters away from 1/0 so the reference exercises them.
        using (torch.no_grad()) foreach (var p in model.parameters()) p.add_(torch.randn_like(p) * 0.05);
        var batch = new EncodedBatch(
            new long[] { 2, 5, 6, 7, 8, 9, 3, 2, 10, 3, 0, 0, 0, 0 },
            new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 },
            new long[14], 2, 7);
        var logits = model.Logits(batch);
        var weights = model.NamedTensors();
        for (int row = 0; row < 2; row++)
        {
            var ids = batch.InputIds.Skip(row * 7).Take(7).ToArray();
            var mask = batch.AttentionMask.Skip(row * 7).Take(7).ToArray();
            var expected = ReferenceForward.Logits(weights, config, ids, mask, 7);
            for (int c = 0; c < 3; c++) Assert.Equal(expected[c], logits[row * 3 + c], tolerance: 1e-4);
        }
        // Padding must not matter: the short row alone gives the same logits.
        var alone = model.Logits(new EncodedBatch(new long[] { 2, 10, 3 }, new long[] { 1, 1, 1 }, new long[3], 1, 3));
        for (int c = 0; c < 3; c++) Assert.Equal(alone[c], logits[3 + c], tolerance: 1e-5);
    }

    [Fact]
    public void LastHiddenStateMatchesTheReferenceEncoder()
    {
        var config = TinyModels.Bert(layers: 2);
        torch.manual_seed(5);
        using var model = BertForSequenceClassification.Create(config);
        var batch = new EncodedBatch(new long[] { 2, 7, 8, 3 }, new long[] { 1, 1, 1, 1 }, new long[4], 1, 4);
        var hidden = model.LastHiddenState(batch);
        var expected = ReferenceForward.Encode(model.NamedTensors(), config, batch.InputIds, batch.AttentionMask, 4);
        Assert.Equal(4 * 32, hidden.Length);
        for (int t = 0; t < 4; t++)
            for (int j = 0; j < 32; j++) Assert.Equal(expected[t][j], hidden[t * 32 + j], tolerance: 1e-4);
    }

    [Fact]
    public void LogitsRestoreTrainingModeAndUnknownActivationIsRejected()
    {
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 1));
        model.train();
        var batch = new EncodedBatch(new long[] { 2, 3 }, new long[] { 1, 1 }, new long[2], 1, 2);
        var first = model.Logits(batch);
        Assert.True(model.training);
        Assert.Equal(first, model.Logits(batch)); // eval mode inside: no dropout noise
        using var bad = BertForSequenceClassification.Create(TinyModels.Bert(layers: 1, act: "swish"));
        var e = Assert.Throws<UserInputException>(() => bad.Logits(batch));
        Assert.Contains("swish", e.Message);
    }

    [Fact]
    public void HeadsThatDoNotDivideTheHiddenSizeAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => BertForSequenceClassification.Create(TinyModels.Bert(hidden: 30, heads: 4)));
        Assert.Contains("num_attention_heads", e.Message);
    }

    [Fact]
    public void SequencesLongerThanThePositionTableAreRejected()
    {
        using var model = DistilBertForSequenceClassification.Create(TinyModels.DistilBert(layers: 1));
        var batch = new EncodedBatch(new long[65], Enumerable.Repeat(1L, 65).ToArray(), new long[65], 1, 65);
        Assert.Contains("exceeds max_position_embeddings 64", Assert.Throws<ArgumentException>(() => model.Logits(batch)).Message);
    }

    /// <summary>
    /// A training-mode forward and backward in a caller's dispose scope: the tensors that scope holds afterwards. Each encoder
    /// layer runs in a scope of its own and hands over only its output, so a layer more leaves one tensor more (the layer's
    /// attention scores, dropout outputs and head copies, 27–29 handles a layer, are released as the layer ends); the
    /// backward then still finds everything autograd saved.
    /// </summary>
    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void Each_encoder_layer_leaves_only_its_output_in_the_callers_scope(ModelArchitecture architecture)
    {
        int TensorsLeft(int layers)
        {
            torch.manual_seed(5);
            using var model = TinyModel(architecture, layers);
            model.train();
            using var scope = torch.NewDisposeScope();
            var ids = torch.randint(5, model.Config.VocabSize, new long[] { 3, 9 });
            var mask = torch.ones(3, 9, dtype: torch.int64);
            var types = torch.zeros(3, 9, dtype: torch.int64);
            model.Forward(ids, mask, types).sum().backward();
            int left = scope.DisposablesCount; // before reading gradients: each read is a new handle in this scope
            Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
            return left;
        }

        Assert.Equal(3, TensorsLeft(4) - TensorsLeft(1));
    }

    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void Frozen_embeddings_get_no_gradient_while_every_other_parameter_does(ModelArchitecture architecture)
    {
        torch.manual_seed(6);
        using var model = TinyModel(architecture, layers: 2);
        string[] expected = architecture == ModelArchitecture.Bert
            ? ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
               "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias"]
            : ["distilbert.embeddings.word_embeddings.weight", "distilbert.embeddings.position_embeddings.weight",
               "distilbert.embeddings.LayerNorm.weight", "distilbert.embeddings.LayerNorm.bias"];
        Assert.Equal(expected.Order(), model.FreezeEmbeddings().Order());

        model.train();
        using var scope = torch.NewDisposeScope();
        var ids = torch.randint(5, model.Config.VocabSize, new long[] { 2, 7 });
        model.Forward(ids, torch.ones(2, 7, dtype: torch.int64), torch.zeros(2, 7, dtype: torch.int64)).sum().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            bool frozen = expected.Contains(name);
            Assert.Equal(!frozen, p.requires_grad);
            Assert.True(frozen == p.grad is null, $"{name}: frozen {frozen}, gradient {(p.grad is null ? "absent" : "present")}");
        }
    }

    /// <summary>A freshly initialised tiny model of <paramref name="architecture"/> with <paramref name="layers"/> layers.</summary>
    private static SequenceClassifier TinyModel(ModelArchitecture architecture, int layers) =>
        SequenceClassifierFactory.Create(architecture == ModelArchitecture.Bert ? TinyModels.Bert(layers) : TinyModels.DistilBert(layers));
}
