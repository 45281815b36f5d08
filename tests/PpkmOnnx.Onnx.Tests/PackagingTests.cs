using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Graph;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>Triton repository output, the graph builder's contracts and the project's dependencies.</summary>
public sealed class PackagingTests
{
    [Fact]
    public void A_Triton_name_with_a_quote_or_backslash_is_escaped_in_the_config_text()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.DistilBert, new[] { "negative", "neutral", "positive" }, seed: 2);
        OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), TritonRepository = temp.Combine("triton"), TritonModelName = "say \"hi\" \\o",
        });
        var config = File.ReadAllText(temp.Combine("triton", "say \"hi\" \\o", "config.pbtxt"));
        Assert.StartsWith("name: \"say \\\"hi\\\" \\\\o\"\n", config); // name: "say \"hi\" \\o"
    }

    [Fact]
    public void Triton_repository_gets_config_and_versioned_model()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.DistilBert, new[] { "negative", "neutral", "positive" }, seed: 2);
        var result = OnnxExporter.Export(new ExportOptions
        {
            CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), TritonRepository = temp.Combine("triton"), TritonModelName = "ppkm", TritonMaxBatchSize = 16,
        });
        Assert.Equal(temp.Combine("triton", "ppkm"), result.TritonModelFolder);
        Assert.Equal(File.ReadAllBytes(result.ModelPath), File.ReadAllBytes(temp.Combine("triton", "ppkm", "1", "model.onnx")));
        var config = File.ReadAllText(temp.Combine("triton", "ppkm", "config.pbtxt"));
        Assert.Contains("platform: \"onnxruntime_onnx\"", config);
        Assert.Contains("max_batch_size: 16", config);
        Assert.Contains("dynamic_batching { }", config);
        Assert.Contains("name: \"input_ids\"", config);
        Assert.Contains("name: \"attention_mask\"", config);
        Assert.DoesNotContain("token_type_ids", config);
        Assert.Contains("name: \"logits\"\n    data_type: TYPE_FP32\n    dims: [ 3 ]", config);
        Assert.Equal(2, config.Split("dims: [ -1 ]").Length - 1);
    }

    [Theory]
    [InlineData("repository-is-a-file", "ppkm")]
    [InlineData("triton", "a/b")]
    [InlineData("triton", "")]
    [InlineData("triton", "../../evil")]
    [InlineData("triton", "..")]
    [InlineData("triton", "taken")]
    public void A_refused_Triton_entry_leaves_no_package_and_keeps_a_replaced_one(string repository, string name)
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, new[] { "a", "b" }, seed: 3);
        File.WriteAllText(temp.Combine("repository-is-a-file"), "x");
        Directory.CreateDirectory(temp.Combine("triton", "taken"));
        File.WriteAllText(temp.Combine("triton", "taken", "config.pbtxt"), "an earlier export's");
        var before = Snapshot(temp.Path);
        var options = new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), TritonRepository = temp.Combine(repository), TritonModelName = name };

        Assert.ThrowsAny<UserInputException>(() => OnnxExporter.Export(options));
        Assert.Equal(before, Snapshot(temp.Path));

        // With Overwrite over an existing package, the refused entry leaves the old package in place, not the new one.
        var old = temp.Combine("old");
        OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = old, MaxLength = 16 });
        before = Snapshot(temp.Path);
        if (name != "taken") Assert.ThrowsAny<UserInputException>(() => OnnxExporter.Export(options with { OutputFolder = old, MaxLength = 32, Overwrite = true }));
        Assert.Equal(before, Snapshot(temp.Path));
    }

    [Fact]
    public void A_Triton_name_that_is_not_a_folder_name_is_named_by_its_setting()
    {
        using var temp = TestPaths.NewTempFolder();
        var e = Assert.Throws<InvalidSettingException>(() => OnnxExporter.CheckOutputs(new ExportOptions
        {
            CheckpointFolder = temp.Combine("ckpt"), OutputFolder = temp.Combine("package"), TritonRepository = temp.Combine("triton"), TritonModelName = "a/b",
        }));
        Assert.Equal(nameof(ExportOptions.TritonModelName), e.Setting);
        Assert.Contains("'a/b'", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    // Every path under the folder with its content, so a comparison sees a file added, removed or replaced.
    private static string Snapshot(string folder) => string.Join("\n", Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
        .Select(p => Path.GetRelativePath(folder, p) + (File.Exists(p) ? " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "/")));

    [Fact]
    public void Graph_builder_rejects_wrong_initializer_sizes_and_duplicate_inputs()
    {
        var b = OnnxGraphBuilder.Create("g", importMicrosoftDomain: true);
        Assert.Throws<ArgumentException>(() => b.AddInitializer("w", new float[5], 2, 3));
        b.AddInput("x", global::Onnx.TensorProto.Types.DataType.Float, "batch");
        Assert.Throws<ArgumentException>(() => b.AddInput("x", global::Onnx.TensorProto.Types.DataType.Float, "batch"));
        Assert.Equal("w", b.AddInitializer("w", new float[6], 2, 3));
        Assert.Equal("w_1", b.AddInitializer("w", new float[6], 2, 3));
        b.SetMetadata("k", "1");
        b.SetMetadata("k", "2");
        var model = b.Build();
        Assert.Equal("2", model.MetadataProps.Single(p => p.Key == "k").Value);
        Assert.Equal(new[] { "", "com.microsoft" }, model.OpsetImport.Select(o => o.Domain));
    }

    [Fact]
    public void Builder_continuing_an_exported_model_never_reuses_its_names()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, new[] { "a", "b" }, seed: 6);
        var result = OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package"), Flavour = GraphFlavour.Standard });
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(result.ModelPath));
        var existing = model.Graph.Initializer.Select(t => t.Name).Concat(model.Graph.Node.SelectMany(n => n.Output)).ToHashSet();
        var builder = OnnxGraphBuilder.FromModel(model);
        var weightName = model.Graph.Initializer[0].Name;
        var added = builder.AddInitializer(weightName, new float[] { 1f });
        Assert.NotEqual(weightName, added);
        Assert.DoesNotContain(added, existing);
        Assert.Throws<ArgumentException>(() => builder.AddInput("input_ids", global::Onnx.TensorProto.Types.DataType.Int64, "batch"));
    }

    [Fact]
    public void Onnx_assembly_does_not_reference_torchsharp()
    {
        var referenced = typeof(OnnxExporter).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Microsoft.ML.OnnxRuntime", referenced);
        Assert.DoesNotContain(referenced, n => n.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        var deps = Path.Combine(AppContext.BaseDirectory, "PpkmOnnx.Onnx.Tests.deps.json");
        Assert.DoesNotContain("TorchSharp", File.ReadAllText(deps), StringComparison.OrdinalIgnoreCase);
    }
}
