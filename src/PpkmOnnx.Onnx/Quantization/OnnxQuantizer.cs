using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Makes the INT8 dynamic, INT8 static (QDQ) and FP16 variants of a model package's FP32 <c>model.onnx</c> by rewriting
/// the ONNX graph in C#, checks them against FP32 on evaluation sets, and records what it did in <c>quantize.json</c>.
/// </summary>
public static partial class OnnxQuantizer
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
    /// <exception cref="UserInputException">An <see cref="QuantizeOptions.Exclude"/> pattern names nothing the mode converts.</exception>
    /// <exception cref="OperationCanceledException"><see cref="QuantizeOptions.Cancellation"/> was cancelled; nothing was written.</exception>
    public static QuantizeResult Quantize(QuantizeOptions options)
    {
        var source = CheckAndOpen(options);
        var tokenize = CancellableTokenizer(options.Tokenize ?? (texts => source.Tokenizer!.EncodeBatch(texts, source.MaxLength)), options.Cancellation);
        var outputPath = Path.GetFullPath(options.OutputPath ?? ModelPackageLayout.ModelPath(source.Folder, options.Variant));
        var ranges = options.Variant == ModelVariant.Int8Static ? CalibrateRanges(source.Model, options, tokenize) : null;
        var sets = new[] { options.Validation, options.Test }.OfType<EvaluationSet>().ToList();
        var reference = ScoreSource(source.Model, sets, tokenize, options);
        var variants = new VariantMaker(source.Model, options, ranges, tokenize, source.Labels, reference);

        var exclude = options.Exclude.ToList();
        options.Progress?.Report($"converting to {ModelPackageLayout.VariantName(options.Variant)}");
        var built = variants.Build(exclude);
        var autoExcluded = new List<string>();
        if (options.AutoExclude) (built, autoExcluded) = SearchExclusions(variants, built, exclude);

        var checks = sets.Count > 0 ? variants.Check(built.Bytes, sets) : [];
        string? failure = AccuracyGuard.FailureReason(checks, options.MaxDrop);
        bool accepted = failure is null;
        bool write = accepted || options.Force;
        options.Cancellation.ThrowIfCancellationRequested();

        var result = new QuantizeResult
        {
            Variant = options.Variant,
            OutputPath = outputPath,
            Accepted = accepted,
            Written = write,
            FailureReason = failure,
            SourceBytes = new FileInfo(source.ModelPath).Length,
            OutputBytes = built.Bytes.LongLength,
            ConvertedNodes = built.Converted,
            ExcludedNodes = built.Excluded,
            AutoExcludedLayers = autoExcluded,
            Cpu = CpuFeatures.Current,
            Checks = checks,
            ReportPath = Path.Combine(source.Folder, ModelPackageLayout.QuantizeReportFile),
        };
        WriteVariantAndRecord(result, options, built);
        return result;
    }

    /// <summary>The FP32 package being quantized: its folder, model file, parsed model, class names, truncation and tokenizer (null when the caller tokenizes).</summary>
    private sealed record SourcePackage(string Folder, string ModelPath, ModelProto Model, IReadOnlyList<string> Labels, int MaxLength,
        BertWordPieceTokenizer? Tokenizer);

    /// <summary>A variant as built for one exclusion list: the graph, its serialized bytes, and which nodes it converted or left alone.</summary>
    private sealed record BuiltVariant(ModelProto Model, byte[] Bytes, List<string> Converted, List<string> Excluded);

    // Checks the options and the package in the order a user meets the problems (cheap argument errors before any file is read).
    private static SourcePackage CheckAndOpen(QuantizeOptions options)
    {
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
        ExclusionTargets.RequireEachPatternMatches(source.Graph, options);
        // The package's facts as the Runtime reads them: its truncation (unless the caller sets another) and its tokenizer,
        // read now so that a vocabulary larger than the embedding table is refused before any work.
        var facts = ModelPackage.Read(package, source.MetadataProps.ToDictionary(p => p.Key, p => p.Value), sourcePath);
        int maxLength = options.MaxLength ?? facts.MaxLength;
        var tokenizer = options.Tokenize is null ? facts.Tokenizer : null;
        options.Validation?.Validate();
        options.Test?.Validate();
        if (options.AutoExclude && options.Validation is null)
            throw new UserInputException("auto-exclusion needs a validation set.");
        if (options.AutoExclude && options.Variant == ModelVariant.Fp16)
            throw new UserInputException("auto-exclusion applies to the int8 modes only.");
        return new SourcePackage(package, sourcePath, source, labels, maxLength, tokenizer);
    }

    // Every calibration and evaluation batch is tokenized first, so this is where a cancellation is seen promptly.
    private static Func<IReadOnlyList<string>, EncodedBatch> CancellableTokenizer(Func<IReadOnlyList<string>, EncodedBatch> encode, CancellationToken ct) =>
        texts =>
        {
            ct.ThrowIfCancellationRequested();
            return encode(texts);
        };

    /// <summary>Static INT8: the activation ranges of the FP32 source on the calibration texts (or the validation texts).</summary>
    private static Dictionary<string, (float Min, float Max)> CalibrateRanges(ModelProto source, QuantizeOptions options,
        Func<IReadOnlyList<string>, EncodedBatch> tokenize)
    {
        var texts = (options.CalibrationTexts ?? options.Validation?.Texts ?? [])
            .Take(Math.Max(1, options.CalibrationSamples)).ToList();
        if (texts.Count == 0)
            throw new UserInputException("static quantization needs calibration texts (give calibration texts or a validation set).");
        var tensors = StaticQdqPass.ActivationsToCalibrate(source.Graph, []);
        var batches = Enumerable.Range(0, (texts.Count + options.BatchSize - 1) / options.BatchSize)
            .Select(b => tokenize(texts.Skip(b * options.BatchSize).Take(options.BatchSize).ToList())).ToList();
        options.Progress?.Report($"calibrating {tensors.Count} activations on {texts.Count} texts ({options.Calibration})");
        return ActivationCalibrator.Calibrate(source, tensors, batches, options.Calibration, options.CalibrationPercentile, options.Cancellation);
    }

    /// <summary>The FP32 source's logits on each evaluation set: what every variant is compared against.</summary>
    private static Dictionary<EvaluationSet, float[][]> ScoreSource(ModelProto source, IReadOnlyList<EvaluationSet> sets,
        Func<IReadOnlyList<string>, EncodedBatch> tokenize, QuantizeOptions options)
    {
        var referenceLogits = new Dictionary<EvaluationSet, float[][]>();
        if (sets.Count == 0) return referenceLogits;
        options.Progress?.Report("scoring the FP32 source");
        using var fp32 = OnnxModelRunner.Open(QuantProto.ToBytes(source), logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
        foreach (var s in sets) referenceLogits[s] = VariantEvaluator.Logits(fp32, s, tokenize, options.BatchSize);
        return referenceLogits;
    }

    /// <summary>
    /// Auto-exclusion: when the variant drops validation macro-F1 by more than the allowed amount, measures each layer's
    /// cost alone and keeps the most sensitive layers in FP32, one at a time, until the drop is within bounds (or none are left).
    /// Returns the variant last built and the layers kept in FP32.
    /// </summary>
    private static (BuiltVariant Built, List<string> AutoExcluded) SearchExclusions(VariantMaker variants, BuiltVariant built, List<string> exclude)
    {
        var options = variants.Options;
        var validation = options.Validation!;
        var autoExcluded = new List<string>();
        double drop = variants.Check(built.Bytes, [validation])[0].MacroF1Drop;
        if (drop <= options.MaxDrop) return (built, autoExcluded);
        options.Progress?.Report($"validation macro-F1 drop {drop:P2} > {options.MaxDrop:P2}: measuring layer sensitivity");
        var candidates = QuantCandidate.Find(variants.Source.Graph).Where(c => built.Converted.Contains(c.Name)).ToList();
        var groups = candidates.Select(c => c.LayerKey).Distinct().ToList();
        var sensitivity = new Dictionary<string, double>();
        foreach (var g in groups)
        {
            // Quantize this group alone: its own cost, undisturbed by the others.
            var others = candidates.Where(c => c.LayerKey != g).Select(c => c.Name);
            sensitivity[g] = variants.Check(variants.Build(exclude.Concat(others)).Bytes, [validation])[0].MacroF1Drop;
        }
        foreach (var g in groups.OrderByDescending(g => sensitivity[g]).ThenBy(g => groups.IndexOf(g)))
        {
            autoExcluded.Add(g);
            var names = candidates.Where(c => autoExcluded.Contains(c.LayerKey)).Select(c => c.Name);
            built = variants.Build(exclude.Concat(names));
            drop = variants.Check(built.Bytes, [validation])[0].MacroF1Drop;
            options.Progress?.Report($"kept {g} in FP32 (sensitivity {sensitivity[g]:P2}): drop now {drop:P2}");
            if (drop <= options.MaxDrop) break;
        }
        return (built, autoExcluded);
    }

    // The variant and its record land together: a full disk while writing either leaves both as they were.
    private static void WriteVariantAndRecord(QuantizeResult result, QuantizeOptions options, BuiltVariant built)
    {
        var record = ArtifactJson.ToBytes(ReportWith(result, options, built.Model), ArtifactRecordJsonContext.Default.QuantizeRecord);
        var files = new List<(string, Action<Stream>)>();
        if (result.Written) files.Add((result.OutputPath, s => s.Write(built.Bytes)));
        files.Add((result.ReportPath, s => s.Write(record)));
        AtomicFile.WriteTogether(files);
    }

    /// <summary>
    /// Builds and scores variants of one source for one set of options: everything here is fixed for the whole run,
    /// so the sensitivity search can build and check as many exclusion lists as it needs without passing them around.
    /// </summary>
    private sealed class VariantMaker(ModelProto source, QuantizeOptions options, Dictionary<string, (float Min, float Max)>? ranges,
        Func<IReadOnlyList<string>, EncodedBatch> tokenize, IReadOnlyList<string> labels, Dictionary<EvaluationSet, float[][]> referenceLogits)
    {
        public ModelProto Source { get; } = source;
        public QuantizeOptions Options { get; } = options;

        /// <summary>A fresh copy of the source converted to the asked-for variant, leaving the nodes matching <paramref name="exclude"/> alone.</summary>
        public BuiltVariant Build(IEnumerable<string> exclude)
        {
            var model = Source.Clone();
            var patterns = QuantCandidate.Globs(exclude);
            List<string> converted, excluded;
            switch (Options.Variant)
            {
                case ModelVariant.Int8:
                    (converted, excluded) = DynamicQuantizationPass.Apply(model, Options.PerChannel, Options.ReduceRange, Options.QuantizeWordEmbedding, patterns);
                    break;
                case ModelVariant.Int8Static:
                    (converted, excluded) = StaticQdqPass.Apply(model, ranges!, Options.PerChannel, Options.ReduceRange, Options.SignedActivations, patterns);
                    break;
                default:
                    (converted, excluded) = Float16ConversionPass.Apply(model, patterns);
                    break;
            }
            QuantProto.SetMetadata(model, ModelPackageLayout.MetadataVariant, ModelPackageLayout.VariantName(Options.Variant));
            model.ProducerName = "ppkm-quantize";
            return new BuiltVariant(model, QuantProto.ToBytes(model), converted, excluded);
        }

        /// <summary>The variant's accuracy against the FP32 source on each of <paramref name="sets"/> (each must have been scored by <see cref="ScoreSource"/>).</summary>
        public List<AccuracyCheck> Check(byte[] bytes, IEnumerable<EvaluationSet> sets)
        {
            using var runner = OnnxModelRunner.Open(bytes, logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return sets.Select(s => VariantEvaluator.Score(s, referenceLogits[s], VariantEvaluator.Logits(runner, s, tokenize, Options.BatchSize), labels)).ToList();
        }
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
}
