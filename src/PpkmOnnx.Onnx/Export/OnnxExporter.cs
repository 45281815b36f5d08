using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Graph;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Export;

/// <summary>
/// Exports a checkpoint folder to a model package (see <see cref="ModelPackageLayout"/>): model.onnx written by
/// <see cref="TransformerGraphWriter"/>, config.json, tokenizer files and export.json with the validation table.
/// The package is assembled in a temporary folder and renamed into place only when everything, validation included, succeeded.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Tokenizer files copied into the package when the checkpoint has them (vocab.txt is required).</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles = new[] { "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json" };

    /// <summary>Exports as <paramref name="options"/> say.</summary>
    /// <exception cref="UserInputException">The checkpoint folder does not exist.</exception>
    /// <exception cref="UserInputException">A checkpoint file is missing or corrupt, shapes disagree, or validation failed.</exception>
    /// <exception cref="NotSupportedException">The architecture or activation cannot be exported.</exception>
    /// <exception cref="IOException">The output exists and overwriting was not allowed.</exception>
    /// <exception cref="OperationCanceledException"><see cref="ExportOptions.Cancellation"/> was cancelled; nothing was written.</exception>
    public static ExportResult Export(ExportOptions options)
    {
        // Every output is checked before the first is written: a refused Triton entry must not leave (or replace) a package.
        CheckOutputs(options);
        var ct = options.Cancellation;
        var checkpoint = options.CheckpointFolder;
        var weights = CheckpointReader.Read(checkpoint);
        var vocab = Path.Combine(checkpoint, "vocab.txt");
        if (!File.Exists(vocab)) throw new UserInputException($"{vocab}: vocabulary not found (the checkpoint folder must hold its tokenizer files).");
        var tokenizer = BertWordPieceTokenizer.FromFolder(checkpoint);
        var config = weights.Config;
        ModelPackage.RequireVocabularyFits(tokenizer.VocabularySize, config.VocabSize, vocab, "config.json's vocab_size");
        int maxLength = options.MaxLength ?? Math.Min(tokenizer.Settings.ModelMaxLength, config.MaxPositionEmbeddings);
        if (maxLength < 2 || maxLength > config.MaxPositionEmbeddings)
            throw new UserInputException($"max length {maxLength} must be between 2 and the model's {config.MaxPositionEmbeddings} positions.");
        var safetensors = Path.Combine(checkpoint, CheckpointReader.WeightsFile);
        var sha = Sha256(safetensors);

        var builder = TransformerGraphWriter.Write(weights, options.Flavour, Path.GetFileName(Path.GetFullPath(checkpoint).TrimEnd('/')));
        SetMetadata(builder, config, tokenizer.Settings, maxLength, options.Flavour);
        var model = builder.Build();
        ct.ThrowIfCancellationRequested();

        using var staging = StagingFolder.Begin(options.OutputFolder, options.Overwrite);
        var modelPath = staging.Combine(ModelPackageLayout.ModelFileName(ModelVariant.Fp32));
        AtomicFile.Write(modelPath, s => model.WriteTo(s));
        File.Copy(Path.Combine(checkpoint, "config.json"), staging.Combine(ModelPackageLayout.ConfigFile));
        foreach (var file in TokenizerFiles)
        {
            var source = Path.Combine(checkpoint, file);
            if (File.Exists(source)) File.Copy(source, staging.Combine(file));
        }
        // Packages always carry tokenizer.json, as Optimum's exports do, so that transformers.js and the tokenizers
        // library load them as they are; checkpoints written by transformers' slow tokenizer (or by us) lack it.
        string tokenizerJson = "copied";
        if (!File.Exists(staging.Combine("tokenizer.json")))
            tokenizerJson = tokenizer.SaveTokenizerJson(staging.Combine("tokenizer.json")) is { } whyNot ? "not written: " + whyNot : "generated from vocab.txt";

        ValidationReport? report = null;
        ct.ThrowIfCancellationRequested();
        if (options.Validation is { } validation)
        {
            report = WithCandidate(modelPath, weights.HasClassifier, candidate =>
                ExportValidator.Validate(candidate, validation.Reference, tokenizer, validation.Texts, maxLength, validation.BatchSizes, weights.HasClassifier, validation.Tolerance, ct));
            if (!report.Passed && validation.FailOnMismatch)
                throw new UserInputException($"{checkpoint}: the exported {GraphFlavours.Name(options.Flavour)} graph does not match the reference model ({report}); nothing was written.");
        }

        var exportRecord = new ExportRecord
        {
            SourceCheckpoint = Path.GetFullPath(checkpoint),
            SourceSha256 = sha,
            ModelType = ModelTypeName(config.Architecture),
            Graph = GraphFlavours.Name(options.Flavour),
            Opset = OnnxGraphBuilder.DefaultOpset,
            IrVersion = OnnxGraphBuilder.IrVersion,
            MaxLength = maxLength,
            TokenizerJson = tokenizerJson,
            Labels = config.Labels,
            Inputs = TransformerGraphWriter.InputNames(config.Architecture),
            Outputs = model.Graph.Output.Select(o => o.Name).ToList(),
            Nodes = model.Graph.Node.Count,
            ExportedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            Validation = report?.ToJson(),
        };
        ArtifactJson.Write(staging.Combine(ModelPackageLayout.ExportReportFile), exportRecord, ArtifactRecordJsonContext.Default.ExportRecord);
        // The Triton entry is staged beside the package and both are committed last, so a failure writing it leaves neither.
        using var tritonStaging = options.TritonRepository is { } repo
            ? TritonRepositoryWriter.Stage(repo, TritonModelName(options), modelPath, config, weights.Pooler is not null, options.TritonMaxBatchSize, options.Overwrite)
            : null;
        // The last moment a cancellation can still leave nothing behind.
        ct.ThrowIfCancellationRequested();
        staging.Commit();
        tritonStaging?.Commit();

        var finalModel = ModelPackageLayout.ModelPath(staging.Destination, ModelVariant.Fp32);
        var triton = tritonStaging?.Destination;
        return new ExportResult(staging.Destination, finalModel, options.Flavour, model.Graph.Node.Count, sha, report, triton);
    }

    /// <summary>
    /// Checks that every output of <paramref name="options"/> may be written (the package folder and, when asked for, the
    /// Triton entry: names, files in the way, existing content without <see cref="ExportOptions.Overwrite"/>) without writing
    /// anything. <see cref="Export"/> runs it first; a caller with slow work before the export (loading a reference model)
    /// runs it before that work.
    /// </summary>
    /// <exception cref="UserInputException">An output is a file or lies under one, is or holds the checkpoint (<see cref="OutputOverlap"/>), or the Triton model name is not a folder name.</exception>
    /// <exception cref="SettingsAdviceException">An output folder has content and overwriting was not allowed.</exception>
    public static void CheckOutputs(ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        StagingFolder.CheckDestination(options.OutputFolder, options.Overwrite);
        // The package, and a Triton entry, replace their folders as a whole: neither may be, hold or lie inside the checkpoint.
        OutputOverlap.CheckFolderOfFiles(options.OutputFolder, options.CheckpointFolder);
        if (options.TritonRepository is { } repo)
        {
            TritonRepositoryWriter.CheckDestination(repo, TritonModelName(options), options.Overwrite);
            OutputOverlap.CheckFolderOfFiles(Path.Combine(repo, TritonModelName(options)), options.CheckpointFolder);
            OutputOverlap.CheckSeparateFolders(options.OutputFolder, Path.Combine(repo, TritonModelName(options)));
        }
    }

    // The Triton model is named after the package folder unless a name was given.
    private static string TritonModelName(ExportOptions options) =>
        options.TritonModelName ?? Path.GetFileName(Path.GetFullPath(options.OutputFolder.TrimEnd('/', '\\')));

    /// <summary>
    /// Runs <paramref name="check"/> on the exported model: a classifier as serve runs it (the Runtime's classification
    /// core, checked against the package being written beside it), a base model by its hidden states.
    /// </summary>
    private static ValidationReport WithCandidate(string modelPath, bool classifier, Func<IReferenceModel, ValidationReport> check)
    {
        if (classifier)
        {
            using var core = ClassifierCandidate.Open(modelPath, Path.GetDirectoryName(modelPath)!);
            return check(core);
        }
        using var runner = OnnxModelRunner.Open(modelPath);
        return check(runner);
    }

    /// <summary>The <c>model_type</c> name of an architecture.</summary>
    public static string ModelTypeName(ModelArchitecture architecture) => architecture == ModelArchitecture.Bert ? "bert" : "distilbert";

    /// <summary>Writes the ppkm.* metadata_props a bare model.onnx needs to be served.</summary>
    public static void SetMetadata(OnnxGraphBuilder builder, ModelConfig config, BertTokenizerSettings tokenizer, int maxLength, GraphFlavour flavour)
    {
        builder.SetMetadata(ModelPackageLayout.MetadataLabels, new JsonArray(config.Labels.Select(l => (JsonNode)l).ToArray()).ToJsonString());
        builder.SetMetadata(ModelPackageLayout.MetadataMaxLength, maxLength.ToString(CultureInfo.InvariantCulture));
        builder.SetMetadata(ModelPackageLayout.MetadataModelType, ModelTypeName(config.Architecture));
        builder.SetMetadata(ModelPackageLayout.MetadataTokenizer, new JsonObject
        {
            ["do_lower_case"] = tokenizer.DoLowerCase,
            ["strip_accents"] = tokenizer.StripAccents,
            ["tokenize_chinese_chars"] = tokenizer.TokenizeChineseChars,
            ["unk_token"] = tokenizer.UnknownToken,
            ["cls_token"] = tokenizer.ClassificationToken,
            ["sep_token"] = tokenizer.SeparatorToken,
            ["pad_token"] = tokenizer.PaddingToken,
            ["mask_token"] = tokenizer.MaskToken,
            ["model_max_length"] = maxLength,
        }.ToJsonString());
        builder.SetMetadata(ModelPackageLayout.MetadataGraph, GraphFlavours.Name(flavour));
        builder.SetMetadata(ModelPackageLayout.MetadataVariant, ModelPackageLayout.VariantName(ModelVariant.Fp32));
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
