using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Graph;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>What the exported graph declares and which operators it uses.</summary>
public sealed class GraphStructureTests
{
    private static readonly string[] Labels = { "negative", "neutral", "positive" };

    private static (ModelProto Model, string PackageFolder) Export(TempFolder temp, ModelArchitecture architecture, GraphFlavour flavour, string[]? labels = null)
    {
        var checkpoint = temp.Combine("ckpt-" + architecture + flavour);
        TinyCheckpoint.Write(checkpoint, architecture, labels ?? Labels, seed: 3);
        var result = OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("pkg-" + architecture + flavour), Flavour = flavour });
        return (ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.ModelPath)), result.PackageFolder);
    }

    private static string[] Dims(ValueInfoProto v) =>
        v.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Theory]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Standard)]
    [InlineData(ModelArchitecture.Bert, GraphFlavour.Fused)]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Standard)]
    [InlineData(ModelArchitecture.DistilBert, GraphFlavour.Fused)]
    public void Inputs_outputs_opset_and_metadata_follow_the_package_contract(ModelArchitecture architecture, GraphFlavour flavour)
    {
        using var temp = TestPaths.NewTempFolder();
        var (model, package) = Export(temp, architecture, flavour);

        var expectedInputs = architecture == ModelArchitecture.Bert ? new[] { "input_ids", "attention_mask", "token_type_ids" } : new[] { "input_ids", "attention_mask" };
        Assert.Equal(expectedInputs, model.Graph.Input.Select(i => i.Name));
        Assert.All(model.Graph.Input, i =>
        {
            Assert.Equal((int)TensorProto.Types.DataType.Int64, i.Type.TensorType.ElemType);
            Assert.Equal(new[] { "batch", "sequence" }, Dims(i));
        });
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("logits", output.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, output.Type.TensorType.ElemType);
        Assert.Equal(new[] { "batch", "3" }, Dims(output));

        Assert.Equal(OnnxGraphBuilder.IrVersion, model.IrVersion);
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(flavour == GraphFlavour.Fused, model.OpsetImport.Any(o => o.Domain == "com.microsoft"));
        bool usesMicrosoft = model.Graph.Node.Any(n => n.Domain == "com.microsoft");
        Assert.Equal(flavour == GraphFlavour.Fused, usesMicrosoft);

        var meta = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("[\"negative\",\"neutral\",\"positive\"]", meta[ModelPackageLayout.MetadataLabels]);
        Assert.Equal("64", meta[ModelPackageLayout.MetadataMaxLength]);
        Assert.Equal(architecture == ModelArchitecture.Bert ? "bert" : "distilbert", meta[ModelPackageLayout.MetadataModelType]);
        Assert.Equal(GraphFlavours.Name(flavour), meta[ModelPackageLayout.MetadataGraph]);
        Assert.Equal("fp32", meta[ModelPackageLayout.MetadataVariant]);
        Assert.True(JsonNode.Parse(meta[ModelPackageLayout.MetadataTokenizer])!["do_lower_case"]!.GetValue<bool>());

        foreach (var f in new[] { "model.onnx", "config.json", "vocab.txt", "tokenizer_config.json", "export.json" })
            Assert.True(File.Exists(Path.Combine(package, f)), f);
        var export = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "export.json")))!;
        Assert.Equal(17, export["opset"]!.GetValue<int>());
        Assert.Equal(GraphFlavours.Name(flavour), export["graph"]!.GetValue<string>());
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(temp.Combine("ckpt-" + architecture + flavour), "model.safetensors"))));
        Assert.Equal(sha, export["source_sha256"]!.GetValue<string>());
        Assert.Null(export["validation"]);
        Assert.Equal(Labels, ModelConfig.Load(package).Labels);
        // The record is versioned and reads back through the package's one strict reader.
        Assert.Equal(1, export["schema_version"]!.GetValue<int>());
        var record = ModelPackage.Read(package).Export!;
        Assert.Equal((17, sha), (record.Opset, record.SourceSha256));
        Assert.Equal(Labels, record.Labels);
    }

    [Theory]
    [InlineData(ModelArchitecture.Bert)]
    [InlineData(ModelArchitecture.DistilBert)]
    public void Fused_graph_has_one_fused_op_per_role_and_ort_finds_nothing_left_to_fuse(ModelArchitecture architecture)
    {
        using var temp = TestPaths.NewTempFolder();
        var (model, package) = Export(temp, architecture, GraphFlavour.Fused);
        var counts = Count(model);
        int n = TinyCheckpoint.Layers;
        Assert.Equal(1, counts.GetValueOrDefault("EmbedLayerNormalization"));
        Assert.Equal(n, counts.GetValueOrDefault("Attention"));
        Assert.Equal(2 * n, counts.GetValueOrDefault("SkipLayerNormalization"));
        Assert.Equal(n, counts.GetValueOrDefault("BiasGelu"));
        Assert.Equal(0, counts.GetValueOrDefault("LayerNormalization"));
        Assert.Equal(0, counts.GetValueOrDefault("Softmax"));
        Assert.Equal(0, counts.GetValueOrDefault("Erf"));

        var optimizedPath = Path.Combine(temp.Path, "optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimizedPath })
        using (new InferenceSession(Path.Combine(package, "model.onnx"), options)) { }
        var optimized = Count(ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimizedPath)));
        foreach (var op in new[] { "EmbedLayerNormalization", "Attention", "SkipLayerNormalization", "BiasGelu", "FastGelu", "Gelu", "MultiHeadAttention" })
            Assert.True(counts.GetValueOrDefault(op) == optimized.GetValueOrDefault(op), $"{op}: {counts.GetValueOrDefault(op)} written, {optimized.GetValueOrDefault(op)} after ORT optimization");
    }

    [Fact]
    public void Standard_graph_uses_only_default_domain_ops_and_ort_fuses_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var (model, package) = Export(temp, ModelArchitecture.Bert, GraphFlavour.Standard);
        var counts = Count(model);
        Assert.All(model.Graph.Node, node => Assert.Equal("", node.Domain));
        Assert.Equal(1 + 2 * TinyCheckpoint.Layers, counts["LayerNormalization"]);
        Assert.Equal(TinyCheckpoint.Layers, counts["Softmax"]);
        Assert.Equal(TinyCheckpoint.Layers, counts["Erf"]);
        // ORT's own fusions recognise our standard spelling as BERT: the same pattern the fused flavour writes directly.
        var optimizedPath = Path.Combine(temp.Path, "optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimizedPath })
        using (new InferenceSession(Path.Combine(package, "model.onnx"), options)) { }
        var optimized = Count(ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimizedPath)));
        Assert.True(optimized.GetValueOrDefault("SkipLayerNormalization") + optimized.GetValueOrDefault("BiasGelu") + optimized.GetValueOrDefault("Gelu") > 0,
            "ORT fused nothing in the standard graph: " + string.Join(", ", optimized.Select(kv => $"{kv.Key}={kv.Value}")));
    }

    [Fact]
    public void Base_model_outputs_hidden_states_with_dynamic_axes()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.DistilBert, labels: null, seed: 5);
        var result = OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("pkg"), Flavour = GraphFlavour.Fused });
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.ModelPath));
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal("last_hidden_state", output.Name);
        Assert.Equal(new[] { "batch", "sequence", TinyCheckpoint.Hidden.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Dims(output));
        Assert.Equal("[]", model.MetadataProps.Single(p => p.Key == ModelPackageLayout.MetadataLabels).Value);
    }

    private static Dictionary<string, int> Count(ModelProto model) =>
        model.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
}
