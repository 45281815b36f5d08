using Onnx;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Onnx.Quantization;

// quantize.json: kept beside OnnxQuantizer.cs so that file holds the quantization steps and this one the record they leave.
public static partial class OnnxQuantizer
{
    // quantize.json as it was with this run's entry added (the package's other variants keep theirs). A run that writes its
    // file replaces the variant's entry in `variants`, which describes the files on disk; a refused run writes no file, so
    // it must not replace the entry of a file an earlier run kept: it goes to `rejected` instead. The record there is read
    // strictly: one that is not a quantize.json is an error, never silently replaced with this entry alone.
    private static QuantizeRecord ReportWith(QuantizeResult result, QuantizeOptions options, ModelProto model)
    {
        var existing = ModelPackage.Read(Path.GetDirectoryName(result.ReportPath)!).Quantize;
        var variants = new Dictionary<string, QuantizedVariantRecord>();
        var rejected = existing?.Rejected?.ToDictionary() ?? [];
        // Files written before `rejected` existed kept refused runs in `variants`, with no file behind them.
        foreach (var (name, entry) in existing?.Variants ?? new Dictionary<string, QuantizedVariantRecord>())
            if (entry.Status == RejectedStatus) rejected.TryAdd(name, entry);
            else variants[name] = entry;
        var variant = ModelPackageLayout.VariantName(result.Variant);
        var record = VariantEntry(result, options, model);
        if (result.Written)
        {
            variants[variant] = record;
            rejected.Remove(variant);
        }
        else rejected[variant] = record;
        return new QuantizeRecord { Variants = variants, Rejected = rejected.Count > 0 ? rejected : null };
    }

    private const string RejectedStatus = "rejected";

    private static QuantizedVariantRecord VariantEntry(QuantizeResult result, QuantizeOptions options, ModelProto model) => new()
    {
        File = Path.GetFileName(result.OutputPath),
        Status = result.Accepted ? "accepted" : result.Written ? "forced" : RejectedStatus,
        CreatedUtc = DateTime.UtcNow.ToString("o"),
        Mode = options.Variant switch { ModelVariant.Int8 => "dynamic", ModelVariant.Int8Static => "static", _ => "fp16" },
        Target = options.Variant == ModelVariant.Fp16 ? "gpu" : "cpu",
        Note = options.Variant == ModelVariant.Fp16
            ? "float16 weights and compute for GPUs; float32 inputs/outputs; runs on CPU too (slowly, through casts)" : null,
        PerChannel = options.Variant == ModelVariant.Fp16 ? null : options.PerChannel,
        ReduceRange = options.Variant == ModelVariant.Fp16 ? null : options.ReduceRange,
        QuantizeWordEmbedding = options.Variant == ModelVariant.Int8 ? options.QuantizeWordEmbedding : null,
        Calibration = options.Variant != ModelVariant.Int8Static ? null : new QuantizeCalibrationRecord
        {
            Method = options.Calibration.ToString(),
            Percentile = options.Calibration == CalibrationMethod.Percentile ? options.CalibrationPercentile : null,
            Texts = Math.Min(options.CalibrationSamples, (options.CalibrationTexts ?? options.Validation?.Texts ?? []).Count),
            // What was asked for: more than the texts available is clamped, and the record says so rather than pretend.
            TextsRequested = options.CalibrationSamples,
            Activations = options.SignedActivations ? "int8" : "uint8",
        },
        Cpu = new QuantizeCpuRecord
        {
            Summary = result.Cpu.Summary, Avx2 = result.Cpu.Avx2, Avx512f = result.Cpu.Avx512F, Avx512Vnni = result.Cpu.Avx512Vnni,
            AvxVnni = result.Cpu.AvxVnni, ReduceRangeAdvised = result.Cpu.ReduceRangeAdvised,
        },
        SourceBytes = result.SourceBytes,
        Bytes = result.OutputBytes,
        SizeRatio = Math.Round((double)result.SourceBytes / Math.Max(1, result.OutputBytes), 3),
        ConvertedNodes = result.ConvertedNodes.Count,
        ExcludedNodes = result.ExcludedNodes,
        AutoExcludedLayers = result.AutoExcludedLayers,
        Ops = model.Graph.Node.GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count()),
        MaxDrop = options.MaxDrop,
        Checks = result.Checks.Select(AccuracyGuard.ToRecord).ToList(),
        Failure = result.FailureReason,
    };
}
