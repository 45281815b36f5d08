using System.Text.Json;
using System.Text.Json.Nodes;
using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Onnx.Quantization;

// quantize.json: kept beside OnnxQuantizer.cs so that file holds the quantization steps and this one the record they leave.
public static partial class OnnxQuantizer
{
    // quantize.json as it was with this variant's entry replaced (the package's other variants keep theirs).
    private static JsonObject ReportWith(QuantizeResult result, QuantizeOptions options, ModelProto model)
    {
        JsonObject root;
        try { root = File.Exists(result.ReportPath) && JsonNode.Parse(File.ReadAllText(result.ReportPath)) is JsonObject o ? o : new JsonObject(); }
        catch (JsonException) { root = new JsonObject(); }
        if (root["variants"] is not JsonObject variants) root["variants"] = variants = new JsonObject();
        var ops = new JsonObject();
        foreach (var g in model.Graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            ops[g.Key] = g.Count();
        var entry = new JsonObject
        {
            ["file"] = Path.GetFileName(result.OutputPath),
            ["status"] = result.Accepted ? "accepted" : result.Written ? "forced" : "rejected",
            ["created_utc"] = DateTime.UtcNow.ToString("o"),
            ["mode"] = options.Variant switch { ModelVariant.Int8 => "dynamic", ModelVariant.Int8Static => "static", _ => "fp16" },
            ["target"] = options.Variant == ModelVariant.Fp16 ? "gpu" : "cpu",
            ["note"] = options.Variant == ModelVariant.Fp16
                ? "float16 weights and compute for GPUs; float32 inputs/outputs; runs on CPU too (slowly, through casts)" : null,
            ["per_channel"] = options.Variant == ModelVariant.Fp16 ? null : options.PerChannel,
            ["reduce_range"] = options.Variant == ModelVariant.Fp16 ? null : options.ReduceRange,
            ["quantize_word_embedding"] = options.Variant == ModelVariant.Int8 ? options.QuantizeWordEmbedding : null,
            ["calibration"] = options.Variant != ModelVariant.Int8Static ? null : new JsonObject
            {
                ["method"] = options.Calibration.ToString(),
                ["percentile"] = options.Calibration == CalibrationMethod.Percentile ? options.CalibrationPercentile : null,
                ["texts"] = Math.Min(options.CalibrationSamples, (options.CalibrationTexts ?? options.Validation?.Texts ?? []).Count),
                // What was asked for: more than the texts available is clamped, and the record says so rather than pretend.
                ["texts_requested"] = options.CalibrationSamples,
                ["activations"] = options.SignedActivations ? "int8" : "uint8",
            },
            ["cpu"] = new JsonObject
            {
                ["summary"] = result.Cpu.Summary,
                ["avx2"] = result.Cpu.Avx2,
                ["avx512f"] = result.Cpu.Avx512F,
                ["avx512_vnni"] = result.Cpu.Avx512Vnni,
                ["avx_vnni"] = result.Cpu.AvxVnni,
                ["reduce_range_advised"] = result.Cpu.ReduceRangeAdvised,
            },
            ["source_bytes"] = result.SourceBytes,
            ["bytes"] = result.OutputBytes,
            ["size_ratio"] = Math.Round((double)result.SourceBytes / Math.Max(1, result.OutputBytes), 3),
            ["converted_nodes"] = result.ConvertedNodes.Count,
            ["excluded_nodes"] = new JsonArray(result.ExcludedNodes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["auto_excluded_layers"] = new JsonArray(result.AutoExcludedLayers.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["ops"] = ops,
            ["max_drop"] = options.MaxDrop,
            ["checks"] = new JsonArray(result.Checks.Select(c => (JsonNode?)AccuracyGuard.ToJson(c)).ToArray()),
            ["failure"] = result.FailureReason,
        };
        variants[ModelPackageLayout.VariantName(result.Variant)] = entry;
        return root;
    }
}
