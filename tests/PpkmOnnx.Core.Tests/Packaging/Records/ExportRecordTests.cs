using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging.Records;

/// <summary>export.json read through <see cref="ModelPackage.Export"/>: typed, strict, versioned.</summary>
public sealed class ExportRecordTests
{
    // An export.json as ppkm export wrote it before schema_version existed (values typed by hand).
    private const string Exported = """
        {
          "source_checkpoint": "/ckpt/pruned-0.5",
          "source_sha256": "e1b2",
          "model_type": "bert",
          "graph": "fused",
          "opset": 17,
          "ir_version": 8,
          "max_length": 128,
          "tokenizer_json": "generated from vocab.txt",
          "labels": ["negative", "neutral", "positive"],
          "inputs": ["input_ids", "attention_mask", "token_type_ids"],
          "outputs": ["logits"],
          "nodes": 50,
          "exported_utc": "2026-12-01T00:20:10.0385720Z",
          "validation": { "passed": true, "tolerance": 0.0001, "texts": 16 },
          "tool": "ppkm",
          "tool_version": "0.1.0\u002B50edf5b"
        }
        """;

    private static string PackageWith(TempFolder temp, string exportJson) => RecordPackages.With(temp, "export.json", exportJson);

    [Fact]
    public void A_package_export_json_without_schema_version_reads_as_version_1()
    {
        using var temp = TestPaths.NewTempFolder();
        var r = ModelPackage.Read(PackageWith(temp, Exported)).Export!;
        Assert.Equal(1, r.SchemaVersion);
        Assert.Equal(("/ckpt/pruned-0.5", "e1b2", "bert", "fused"), (r.SourceCheckpoint, r.SourceSha256, r.ModelType, r.Graph));
        Assert.Equal((17, 8L, 128, 50), (r.Opset, r.IrVersion, r.MaxLength, r.Nodes));
        Assert.Equal("generated from vocab.txt", r.TokenizerJson);
        Assert.Equal(["negative", "neutral", "positive"], r.Labels);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], r.Inputs);
        Assert.Equal(["logits"], r.Outputs);
        Assert.Equal("2026-12-01T00:20:10.0385720Z", r.ExportedUtc);
        Assert.Equal(16, r.Validation!["texts"]!.GetValue<int>());
        Assert.Equal(("ppkm", "0.1.0+50edf5b"), (r.Tool, r.ToolVersion));
    }

    [Fact]
    public void A_package_without_export_json_has_none()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = temp.Combine("pkg");
        Directory.CreateDirectory(folder);
        Assert.Null(ModelPackage.Read(folder).Export);
    }

    [Fact]
    public void A_round_trip_writes_the_same_fields_and_values_plus_schema_version()
    {
        using var temp = TestPaths.NewTempFolder();
        var read = ModelPackage.Read(PackageWith(temp, Exported)).Export!;
        var copy = temp.Combine("export.json");
        ArtifactJson.Write(copy, read, ArtifactRecordJsonContext.Default.ExportRecord);
        var written = (JsonObject)JsonNode.Parse(File.ReadAllText(copy))!;
        var original = (JsonObject)JsonNode.Parse(Exported)!;
        Assert.Equal(1, written["schema_version"]!.GetValue<int>());
        written.Remove("schema_version");
        // The tool fields are the running ppkm's, as every write stamps them.
        foreach (var tool in new[] { "tool", "tool_version" }) { written.Remove(tool); original.Remove(tool); }
        Assert.Equal(original.Select(kv => kv.Key), written.Select(kv => kv.Key));
        Assert.True(JsonNode.DeepEquals(original, written), written.ToJsonString());
    }

    [Fact]
    public void A_mistyped_or_missing_field_names_the_file_and_the_field()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = PackageWith(temp, Exported.Replace("\"opset\": 17", "\"opset\": 17.5"));
        var path = Path.Combine(folder, "export.json");
        Assert.Equal($"{path}: opset: must be an integer, got 17.5.", Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Export).Message);
        File.WriteAllText(path, Exported.Replace("\"inputs\": [\"input_ids\", \"attention_mask\", \"token_type_ids\"],", ""));
        Assert.Equal($"{path}: inputs: is missing.", Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Export).Message);
        File.WriteAllText(path, Exported.Replace("\"logits\"", "7"));
        Assert.Equal($"{path}: outputs[0]: must be a string, got 7.", Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Export).Message);
    }
}
