using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging.Records;

/// <summary>quantize.json read through <see cref="ModelPackage.Quantize"/>: typed, strict, versioned.</summary>
public sealed class QuantizeRecordTests
{
    // A dynamic-int8 entry as ppkm quantize wrote it, with schema_version (values typed by hand).
    private const string Quantized = """
        {
          "schema_version": 1,
          "variants": {
            "int8": {
              "file": "model.int8.onnx", "status": "accepted", "created_utc": "2026-12-01T00:20:50.1275091Z", "mode": "dynamic",
              "target": "cpu", "note": null, "per_channel": true, "reduce_range": false, "quantize_word_embedding": false, "calibration": null,
              "cpu": { "summary": "AVX-512 + AVX512-VNNI", "avx2": true, "avx512f": true, "avx512_vnni": true, "avx_vnni": false, "reduce_range_advised": false },
              "source_bytes": 69601513, "bytes": 53746580, "size_ratio": 1.295, "converted_nodes": 24,
              "excluded_nodes": [], "auto_excluded_layers": ["layer.3"],
              "ops": { "DynamicQuantizeMatMul": 18, "Gather": 1 },
              "max_drop": 0.01,
              "checks": [
                { "set": "validation", "count": 956,
                  "fp32": { "accuracy": 0.78, "weighted_f1": 0.77, "macro_f1": 0.76 },
                  "variant": { "accuracy": 0.77, "weighted_f1": 0.765, "macro_f1": 0.755 },
                  "macro_f1_drop": 0.005, "weighted_f1_drop": 0.005, "agreement": 0.98, "max_abs_logit_delta": 0.52 }
              ],
              "failure": null
            },
            "int8-static": {
              "file": "model.int8-static.onnx", "status": "rejected", "created_utc": "2026-12-01T01:00:00.0000000Z", "mode": "static",
              "target": "cpu", "note": null, "per_channel": true, "reduce_range": false, "quantize_word_embedding": null,
              "calibration": { "method": "Percentile", "percentile": 99.99, "texts": 5, "texts_requested": 128, "activations": "uint8" },
              "cpu": { "summary": "AVX2", "avx2": true, "avx512f": false, "avx512_vnni": false, "avx_vnni": false, "reduce_range_advised": true },
              "source_bytes": 100, "bytes": 40, "size_ratio": 2.5, "converted_nodes": 3, "excluded_nodes": ["/pooler/Gemm"], "auto_excluded_layers": [],
              "ops": {}, "max_drop": 0.01, "checks": [], "failure": "validation macro-F1 dropped 2.00 points"
            }
          }
        }
        """;

    private static string PackageWith(TempFolder temp, string quantizeJson) => RecordPackages.With(temp, "quantize.json", quantizeJson);

    [Fact]
    public void Every_field_of_each_variant_reads()
    {
        using var temp = TestPaths.NewTempFolder();
        var record = ModelPackage.Read(PackageWith(temp, Quantized)).Quantize!;
        Assert.Equal(1, record.SchemaVersion);
        Assert.Equal(["int8", "int8-static"], record.Variants.Keys);
        var int8 = record.Variants["int8"];
        Assert.Equal(("model.int8.onnx", "accepted", "dynamic", "cpu"), (int8.File, int8.Status, int8.Mode, int8.Target));
        Assert.Equal("2026-12-01T00:20:50.1275091Z", int8.CreatedUtc);
        Assert.Equal((true, false, false), (int8.PerChannel, int8.ReduceRange, int8.QuantizeWordEmbedding));
        Assert.Null(int8.Calibration);
        Assert.Null(int8.Note);
        Assert.Equal(("AVX-512 + AVX512-VNNI", true, true, true, false, false),
            (int8.Cpu.Summary, int8.Cpu.Avx2, int8.Cpu.Avx512f, int8.Cpu.Avx512Vnni, int8.Cpu.AvxVnni, int8.Cpu.ReduceRangeAdvised));
        Assert.Equal((69601513L, 53746580L, 1.295, 24), (int8.SourceBytes, int8.Bytes, int8.SizeRatio, int8.ConvertedNodes));
        Assert.Empty(int8.ExcludedNodes);
        Assert.Equal(["layer.3"], int8.AutoExcludedLayers);
        Assert.Equal(18, int8.Ops["DynamicQuantizeMatMul"]);
        Assert.Equal(1, int8.Ops["Gather"]);
        var check = Assert.Single(int8.Checks);
        Assert.Equal(("validation", 956, 0.76, 0.755, 0.005, 0.98, 0.52),
            (check.Set, check.Count, check.Fp32.MacroF1, check.Variant.MacroF1, check.MacroF1Drop, check.Agreement, check.MaxAbsLogitDelta));
        var stat = record.Variants["int8-static"];
        Assert.Equal(("Percentile", 99.99, 5, 128, "uint8"),
            (stat.Calibration!.Method, stat.Calibration.Percentile, stat.Calibration.Texts, stat.Calibration.TextsRequested, stat.Calibration.Activations));
        Assert.Null(stat.QuantizeWordEmbedding);
        Assert.Equal("validation macro-F1 dropped 2.00 points", stat.Failure);
    }

    [Fact]
    public void A_round_trip_writes_the_same_fields_and_values()
    {
        using var temp = TestPaths.NewTempFolder();
        var read = ModelPackage.Read(PackageWith(temp, Quantized)).Quantize!;
        var copy = temp.Combine("copy.json");
        ArtifactJson.Write(copy, read, ArtifactRecordJsonContext.Default.QuantizeRecord);
        var written = (JsonObject)JsonNode.Parse(File.ReadAllText(copy))!;
        Assert.Equal(["schema_version", "variants", "tool", "tool_version"], written.Select(kv => kv.Key));
        written.Remove("tool");
        written.Remove("tool_version");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Quantized), written), written.ToJsonString());
    }

    [Fact]
    public void A_mistyped_field_inside_a_variant_names_its_path()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = PackageWith(temp, Quantized.Replace("\"DynamicQuantizeMatMul\": 18", "\"DynamicQuantizeMatMul\": \"18\""));
        var path = Path.Combine(folder, "quantize.json");
        Assert.Equal($"{path}: variants.int8.ops.DynamicQuantizeMatMul: must be an integer, got \"18\".",
            Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Quantize).Message);
        File.WriteAllText(path, """{"variants": ["int8"]}""");
        Assert.Equal($"{path}: variants: must be an object, got [\"int8\"].", Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Quantize).Message);
    }

    [Fact]
    public void A_null_variant_entry_is_refused_naming_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = PackageWith(temp, """{"variants": {"int8": null}}""");
        var e = Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Quantize);
        Assert.Equal($"{Path.Combine(folder, "quantize.json")}: variants.int8: must not be null.", e.Message);
        Assert.Equal("variants.int8", e.Field);
    }

    [Fact]
    public void A_newer_major_schema_version_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = PackageWith(temp, Quantized.Replace("\"schema_version\": 1", "\"schema_version\": 3"));
        var e = Assert.Throws<UserInputException>(() => ModelPackage.Read(folder).Quantize);
        Assert.Equal((Path.Combine(folder, "quantize.json"), "schema_version"), (e.FilePath, e.Field));
        Assert.Contains("is 3, newer than this ppkm reads (up to 1)", e.Message);
    }
}
