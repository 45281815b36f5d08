using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Onnx.Validation;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>Exported graphs of tiny random checkpoints against an independent naive forward pass.</summary>
public sealed class ExportParityTests
{
    private static readonly string[] Labels = { "negative", "neutral", "positive" };

    [Theory]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard, "gelu")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused, "gelu")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard, "gelu_new")]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused, "gelu_new")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Standard, "gelu")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Fused, "gelu")]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Fused, "relu")]
    public void Classifier_logits_match_the_naive_reference_at_batch_one_and_padded_batches(ModelArchitecture architecture, GraphFlavour flavour, string activation)
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, architecture, Labels, seed: 7, activation: activation);
        var reference = new NaiveTransformer(checkpoint);

        var result = OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = checkpoint,
            OutputFolder = temp.Combine("package"),
            Flavour = flavour,
            Validation = new ExportValidationOptions { Reference = reference, Texts = TinyCheckpoint.Texts, BatchSizes = new[] { 1, 4 } },
        });

        Assert.NotNull(result.Validation);
        Assert.True(result.Validation!.Passed, result.Validation.ToString());
        Assert.Equal(new[] { 1, 4 }, result.Validation.Rows.Select(r => r.BatchSize));
        Assert.All(result.Validation.Rows, r => Assert.Equal(1.0, r.ArgmaxAgreement));

        // Check directly too, on a padded batch, so the test does not rest on the validator alone.
        var tokenizer = BertWordPieceTokenizer.FromFolder(checkpoint);
        var batch = tokenizer.EncodeBatch(TinyCheckpoint.Texts, 64);
        Assert.Contains(0L, batch.AttentionMask);
        using var runner = OnnxModelRunner.Open(result.ModelPath);
        var got = runner.Forward(batch);
        var want = reference.Forward(batch);
        Assert.Equal(batch.BatchSize * Labels.Length, got.Length);
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(got[i] - want[i]) <= 1e-4, $"logit {i}: {got[i]} vs {want[i]}");
        // Random weights must still separate the texts, or the comparison would prove little.
        Assert.True(want.Max() - want.Min() > 0.1, "reference logits are degenerate");

        // The tiny vocabulary repeats "##i" and "##s": no tokenizer.json can hold that, and export.json says so.
        Assert.False(File.Exists(Path.Combine(temp.Combine("package"), "tokenizer.json")));
        var exportJson = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(temp.Combine("package"), "export.json")))!;
        Assert.StartsWith("not written: the vocabulary repeats '##i'", exportJson["tokenizer_json"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(GraphFlavour.Standard)]
    [InlineData(GraphFlavour.Fused)]
    public void Base_bert_without_prefix_outputs_hidden_states_and_pooler(GraphFlavour flavour)
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, labels: null, seed: 11, prefixed: false);
        var reference = new NaiveTransformer(checkpoint);
        var result = OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), Flavour = flavour });

        var tokenizer = BertWordPieceTokenizer.FromFolder(checkpoint);
        var batch = tokenizer.EncodeBatch(TinyCheckpoint.Texts, 64);
        using var runner = OnnxModelRunner.Open(result.ModelPath);
        Assert.Equal(new[] { "last_hidden_state", "pooler_output" }, runner.OutputNames);
        var outputs = runner.Run(batch);
        var hidden = reference.Forward(batch);
        var pooled = reference.LastPooled!;
        Assert.Equal(batch.BatchSize * batch.SequenceLength * TinyCheckpoint.Hidden, outputs["last_hidden_state"].Length);
        Assert.Equal(hidden.Length, outputs["last_hidden_state"].Length);
        Assert.Equal(pooled.Length, outputs["pooler_output"].Length);
        for (int i = 0; i < hidden.Length; i++) Assert.True(Math.Abs(hidden[i] - outputs["last_hidden_state"][i]) <= 1e-4, $"hidden {i}");
        for (int i = 0; i < pooled.Length; i++) Assert.True(Math.Abs(pooled[i] - outputs["pooler_output"][i]) <= 1e-4, $"pooled {i}");
    }

    [Fact]
    public void Old_gamma_beta_layer_norm_names_export_the_same_graph_outputs()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, Labels, seed: 21);
        var reference = new NaiveTransformer(checkpoint);
        var path = Path.Combine(checkpoint, "model.safetensors");
        var renamed = SafeTensorsFile.Read(path).ToDictionary(
            kv => kv.Key.Contains("LayerNorm.", StringComparison.Ordinal) ? kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma", StringComparison.Ordinal).Replace("LayerNorm.bias", "LayerNorm.beta", StringComparison.Ordinal) : kv.Key,
            kv => kv.Value);
        Assert.Contains("bert.embeddings.LayerNorm.gamma", renamed.Keys);
        SafeTensorsFile.Write(path, renamed);

        var result = OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), Flavour = GraphFlavour.Fused,
            Validation = new ExportValidationOptions { Reference = reference, Texts = TinyCheckpoint.Texts },
        });
        Assert.True(result.Validation!.Passed, result.Validation.ToString());
    }

    [Fact]
    public void Validation_failure_aborts_the_export_and_leaves_no_package()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        var other = temp.Combine("other");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, Labels, seed: 1);
        TinyCheckpoint.Write(other, ModelArchitecture.Bert, Labels, seed: 2);
        var output = temp.Combine("package");

        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = checkpoint,
            OutputFolder = output,
            // A reference built from different weights must be caught.
            Validation = new ExportValidationOptions { Reference = new NaiveTransformer(other), Texts = TinyCheckpoint.Texts },
        }));
        Assert.Contains("does not match the reference", e.Message);
        Assert.False(Directory.Exists(output));
        Assert.Equal(new[] { "ckpt", "other" }, Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }
}
