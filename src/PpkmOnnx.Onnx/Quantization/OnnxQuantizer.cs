using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Makes the INT8 dynamic, INT8 static (QDQ) and FP16 variants of a model package's FP32 <c>model.onnx</c> by rewriting
/// the ONNX graph in C#, checks them against FP32 on evaluation sets, and records what it did in <c>quantize.json</c>.
/// </summary>
public static class OnnxQuantizer
{
    private static readonly HashSet<string> QuantizedOps =
    [
        "DynamicQuantizeMatMul", "QAttention", "MatMulInteger", "MatMulIntegerToFloat", "QuantizeLinear", "DequantizeLinear",
        "DynamicQuantizeLinear", "QLinearMatMul", "QGemm", "QEmbedLayerNormalization",
    ];

    /// <summary>Makes the variant <paramref name="options"/> asks for.</summary>
    /// <exception cref="ArgumentException">FP32 asked for, static mode without calibration texts, auto-exclusion without validation set.</exception>
    /// <exception cref="UserInputException">The package has no model.onnx.</exception>
    /// <exception cref="UserInputException">Not an exported package (no config.json / labels), or model.onnx is already quantized.</exception>
    /// <exception cref="OperationCanceledException"><see cref="QuantizeOptions.Cancellation"/> was cancelled; nothing was written.</exception>
    public static QuantizeResult Quantize(QuantizeOptions options)
    {
        var ct = options.Cancellation;
        if (options.Variant == ModelVariant.Fp32)
            throw new UserInputException("quantization mode fp32 makes nothing (expected int8, int8-static or fp16).");
        if (options.MaxDrop < 0) throw new ArgumentException($"max drop must be ≥ 0 (got {options.MaxDrop}).");
        if (options.Variant == ModelVariant.Int8Static && options.Calibration == CalibrationMethod.Percentile
            && options.CalibrationPercentile is <= 50 or > 100)
            throw new ArgumentException($"calibration percentile must be in (50, 100] (got {options.CalibrationPercentile}).");
        var package = options.PackageFolder;
        if (!Directory.Exists(package)) throw new UserInputException($"{package}: model package folder not found.");
        var sourcePath = ModelPackageLayout.ModelPath(package, ModelVariant.Fp32);
        if (!File.Exists(sourcePath))
            throw new UserInputException($"{sourcePath}: not an exported model package (no {ModelPackageLayout.ModelFileName(ModelVariant.Fp32)}).");
        var labels = ReadLabels(package);
        var source = QuantProto.Load(sourcePath);
        RejectQuantized(source, sourcePath);
        // The package's truncation (the one the Runtime serves with) unless the caller sets another.
        int maxLength = options.MaxLength
            ?? ModelPackage.Read(package, source.MetadataProps.ToDictionary(p => p.Key, p => p.Value), sourcePath).MaxLength;
        options.Validation?.Validate();
        options.Test?.Validate();
        if (options.AutoExclude && options.Validation is null)
            throw new UserInputException("auto-exclusion needs a validation set.");
        if (options.AutoExclude && options.Variant == ModelVariant.Fp16)
            throw new UserInputException("auto-exclusion applies to the int8 modes only.");

        var encode = options.Tokenize ?? DefaultTokenizer(package, maxLength);
        // Every calibration and evaluation batch is tokenized first, so this is where a cancellation is seen promptly.
        EncodedBatch Tokenize(IReadOnlyList<string> texts)
        {
            ct.ThrowIfCancellationRequested();
            return encode(texts);
        }
        var outputPath = Path.GetFullPath(options.OutputPath ?? ModelPackageLayout.ModelPath(package, options.Variant));
        var progress = options.Progress;

        Dictionary<string, (float Min, float Max)>? ranges = null;
        if (options.Variant == ModelVariant.Int8Static)
        {
            var texts = (options.CalibrationTexts ?? options.Validation?.Texts ?? [])
                .Take(Math.Max(1, options.CalibrationSamples)).ToList();
            if (texts.Count == 0)
                throw new UserInputException("static quantization needs calibration texts (give calibration texts or a validation set).");
            var tensors = StaticQdqPass.ActivationsToCalibrate(source.Graph, []);
            var batches = Enumerable.Range(0, (texts.Count + options.BatchSize - 1) / options.BatchSize)
                .Select(b => Tokenize(texts.Skip(b * options.BatchSize).Take(options.BatchSize).ToList())).ToList();
            progress?.Report($"calibrating {tensors.Count} activations on {texts.Count} texts ({options.Calibration})");
            ranges = ActivationCalibrator.Calibrate(source, tensors, batches, options.Calibration, options.CalibrationPercentile, ct);
        }

        (ModelProto Model, List<string> Converted, List<string> Excluded) Build(IEnumerable<string> exclude)
        {
            var model = source.Clone();
            var patterns = QuantCandidate.Globs(exclude);
            List<string> converted, excluded;
            switch (options.Variant)
            {
                case ModelVariant.Int8:
                    (converted, excluded) = DynamicQuantizationPass.Apply(model, options.PerChannel, options.ReduceRange, options.QuantizeWordEmbedding, patterns);
                    break;
                case ModelVariant.Int8Static:
                    (converted, excluded) = StaticQdqPass.Apply(model, ranges!, options.PerChannel, options.ReduceRange, options.SignedActivations, patterns);
                    break;
                default:
                    (converted, excluded) = Float16ConversionPass.Apply(model, patterns);
                    break;
            }
            QuantProto.SetMetadata(model, ModelPackageLayout.MetadataVariant, ModelPackageLayout.VariantName(options.Variant));
            model.ProducerName = "ppkm-quantize";
            return (model, converted, excluded);
        }

        var sets = new[] { options.Validation, options.Test }.OfType<EvaluationSet>().ToList();
        var referenceLogits = new Dictionary<EvaluationSet, float[][]>();
        if (sets.Count > 0)
        {
            progress?.Report("scoring the FP32 source");
            using var fp32 = OnnxModelRunner.Open(QuantProto.ToBytes(source), logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            foreach (var s in sets) referenceLogits[s] = VariantEvaluator.Logits(fp32, s, Tokenize, options.BatchSize);
        }
        List<AccuracyCheck> Check(byte[] bytes, IEnumerable<EvaluationSet> which)
        {
            using var runner = OnnxModelRunner.Open(bytes, logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return which.Select(s => VariantEvaluator.Score(s, referenceLogits[s], VariantEvaluator.Logits(runner, s, Tokenize, options.BatchSize), labels)).ToList();
        }

        var exclude = options.Exclude.ToList();
        progress?.Report($"converting to {ModelPackageLayout.VariantName(options.Variant)}");
        var built = Build(exclude);
        var bytes = QuantProto.ToBytes(built.Model);
        var autoExcluded = new List<string>();
        if (options.AutoExclude)
        {
            var validation = options.Validation!;
            double drop = Check(bytes, [validation])[0].MacroF1Drop;
            if (drop > options.MaxDrop)
            {
                progress?.Report($"validation macro-F1 drop {drop:P2} > {options.MaxDrop:P2}: measuring layer sensitivity");
                var candidates = QuantCandidate.Find(source.Graph).Where(c => built.Converted.Contains(c.Name)).ToList();
                var groups = candidates.Select(c => c.LayerKey).Distinct().ToList();
                var sensitivity = new Dictionary<string, double>();
                foreach (var g in groups)
                {
                    // Quantize this group alone: its own cost, undisturbed by the others.
                    var others = candidates.Where(c => c.LayerKey != g).Select(c => c.Name);
                    var alone = QuantProto.ToBytes(Build(exclude.Concat(others)).Model);
                    sensitivity[g] = Check(alone, [validation])[0].MacroF1Drop;
                }
                foreach (var g in groups.OrderByDescending(g => sensitivity[g]).ThenBy(g => groups.IndexOf(g)))
                {
                    autoExcluded.Add(g);
                    var names = candidates.Where(c => autoExcluded.Contains(c.LayerKey)).Select(c => c.Name);
                    built = Build(exclude.Concat(names));
                    bytes = QuantProto.ToBytes(built.Model);
                    drop = Check(bytes, [validation])[0].MacroF1Drop;
                    progress?.Report($"kept {g} in FP32 (sensitivity {sensitivity[g]:P2}): drop now {drop:P2}");
                    if (drop <= options.MaxDrop) break;
                }
            }
        }

        var checks = sets.Count > 0 ? Check(bytes, sets) : [];
        string? failure = AccuracyGuard.FailureReason(checks, options.MaxDrop);
        bool accepted = failure is null;
        bool write = accepted || options.Force;
        ct.ThrowIfCancellationRequested();

        var result = new QuantizeResult
        {
            Variant = options.Variant,
            OutputPath = outputPath,
            Accepted = accepted,
            Written = write,
            FailureReason = failure,
            SourceBytes = new FileInfo(sourcePath).Length,
            OutputBytes = bytes.LongLength,
            ConvertedNodes = built.Converted,
            ExcludedNodes = built.Excluded,
            AutoExcludedLayers = autoExcluded,
            Cpu = CpuFeatures.Current,
            Checks = checks,
            ReportPath = Path.Combine(package, ModelPackageLayout.QuantizeReportFile),
        };
        // The variant and its record land together: a full disk while writing either leaves both as they were.
        var record = ArtifactJson.ToBytes(ReportWith(result, options, built.Model));
        var files = new List<(string, Action<Stream>)>();
        if (write) files.Add((outputPath, s => s.Write(bytes)));
        files.Add((result.ReportPath, s => s.Write(record)));
        AtomicFile.WriteTogether(files);
        return result;
    }

    /// <summary>The class names of a package (<see cref="ModelPackage.Labels"/>), which must name some.</summary>
    /// <exception cref="UserInputException">No config.json, or no usable id2label.</exception>
    public static IReadOnlyList<string> ReadLabels(string packageFolder)
    {
        var package = ModelPackage.Read(packageFolder);
        if (!package.HasConfig) throw new UserInputException($"{package.ConfigPath}: not an exported model package (no {ModelPackageLayout.ConfigFile}).");
        if (package.Labels.Count == 0)
            throw new UserInputException($"{package.ConfigPath}: no id2label; only classifier packages can be checked and quantized.");
        return package.Labels;
    }

    private static Func<IReadOnlyList<string>, EncodedBatch> DefaultTokenizer(string package, int maxLength)
    {
        BertWordPieceTokenizer? tokenizer = null;
        return texts => (tokenizer ??= BertWordPieceTokenizer.FromFolder(package)).EncodeBatch(texts, maxLength);
    }

    private static void RejectQuantized(ModelProto model, string path)
    {
        var variant = QuantProto.Metadata(model, ModelPackageLayout.MetadataVariant);
        if (variant is not null && variant != ModelPackageLayout.VariantName(ModelVariant.Fp32))
            throw new UserInputException($"{path}: already a {variant} variant; quantize the FP32 export.");
        var op = model.Graph.Node.FirstOrDefault(n => QuantizedOps.Contains(n.OpType));
        if (op is not null)
            throw new UserInputException($"{path}: already quantized (has a {op.OpType} node '{op.Name}'); quantize the FP32 export.");
        if (model.Graph.Initializer.Any(t => t.DataType == QuantProto.Float16))
            throw new UserInputException($"{path}: already float16; quantize the FP32 export.");
    }

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
