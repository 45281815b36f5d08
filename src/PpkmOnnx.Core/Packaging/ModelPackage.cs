using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Core.Packaging;

/// <summary>
/// The facts of a model package (or training checkpoint) folder, read in one place with one rule each: the class
/// labels, the model type, the tokenizer and its settings, the maximum sequence length, the variants present, and the
/// typed records beside them (training.json, export.json, quantize.json, adapt.json).
/// The Runtime, bench, the quantizer and the CLI all read a package through this class, so serving and benchmarking
/// see the same labels in the same order and truncate texts at the same length.
/// </summary>
/// <remarks>
/// Core does not parse ONNX, so the ONNX file's <c>metadata_props</c> (the <c>ppkm.*</c> keys of
/// <see cref="ModelPackageLayout"/>) come from the caller that opened it; without them only the side files count.
/// Every field read is checked for its JSON type: a mistyped one is a <see cref="UserInputException"/> naming the
/// file and the field.
/// </remarks>
public sealed class ModelPackage
{
    /// <summary>training.json: the training record a checkpoint folder holds.</summary>
    public const string TrainingRecordFile = "training.json";
    /// <summary>vocab.txt: the WordPiece vocabulary.</summary>
    public const string VocabularyFile = "vocab.txt";
    /// <summary>tokenizer_config.json: the slow tokenizer's settings.</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly string _metadataSource;
    private readonly Lazy<BertWordPieceTokenizer> _tokenizer;
    private readonly Lazy<int> _maxLength;
    private readonly Lazy<ExportRecord?> _export;
    private readonly Lazy<QuantizeRecord?> _quantize;

    private ModelPackage(string folder, JsonObject? config, IReadOnlyDictionary<string, string> metadata, string metadataSource)
    {
        Folder = folder;
        _metadata = metadata;
        _metadataSource = metadataSource;
        HasConfig = config is not null;
        Labels = config is not null && LabelsFromConfig(config, ConfigPath) is { Count: > 0 } fromConfig ? fromConfig : LabelsFromMetadata();
        ModelType = (config is null ? null : ModelTypeFromConfig(config, ConfigPath))
            ?? (metadata.TryGetValue(ModelPackageLayout.MetadataModelType, out var type) ? type : null);
        MaxPositionEmbeddings = config?["max_position_embeddings"] is { } positions ? JsonFields.Value<int>(positions, ConfigPath) : null;
        EmbeddingRows = config?["vocab_size"] is { } rows ? JsonFields.Value<int>(rows, ConfigPath) : null;
        _tokenizer = new(CreateTokenizer);
        _maxLength = new(ResolveMaxLength);
        _export = new(() => ArtifactJson.ReadOptional(Path.Combine(Folder, ModelPackageLayout.ExportReportFile), ArtifactRecordJsonContext.Default.ExportRecord));
        _quantize = new(() => ArtifactJson.ReadOptional(Path.Combine(Folder, ModelPackageLayout.QuantizeReportFile), ArtifactRecordJsonContext.Default.QuantizeRecord));
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }
    /// <summary>The folder's config.json (which may not exist; see <see cref="HasConfig"/>).</summary>
    public string ConfigPath => Path.Combine(Folder, ModelPackageLayout.ConfigFile);
    /// <summary>Whether the folder has a config.json.</summary>
    public bool HasConfig { get; }

    /// <summary>
    /// Class names by id: config.json's <c>id2label</c> (see <see cref="LabelsFromConfig"/>), else the ONNX metadata's
    /// <c>ppkm.labels</c>; empty when neither names any (a base model, or a folder without a head).
    /// </summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary><c>bert</c> or <c>distilbert</c>: config.json's <c>model_type</c>, else the metadata's <c>ppkm.model_type</c>; null when neither says.</summary>
    public string? ModelType { get; }

    /// <summary>config.json's <c>max_position_embeddings</c>, or null when there is no config.json or it does not say.</summary>
    public int? MaxPositionEmbeddings { get; }

    /// <summary>config.json's <c>vocab_size</c> (rows of the word-embedding table), or null when there is no config.json or it does not say.</summary>
    public int? EmbeddingRows { get; }

    /// <summary>The variants whose ONNX files are in the folder (<see cref="ModelPackageLayout.AvailableVariants"/>).</summary>
    public IReadOnlyList<ModelVariant> Variants => ModelPackageLayout.AvailableVariants(Folder);

    /// <summary>
    /// The package's tokenizer: the folder's tokenizer files (<see cref="BertWordPieceTokenizer.FromFolder"/>), except that a
    /// folder with vocab.txt but no tokenizer_config.json takes its settings from the metadata's <c>ppkm.tokenizer</c>.
    /// Read on first use.
    /// </summary>
    /// <exception cref="UserInputException">No tokenizer files, a malformed one, or more tokens than <see cref="EmbeddingRows"/>.</exception>
    public BertWordPieceTokenizer Tokenizer => _tokenizer.Value;

    /// <summary>The tokenizer's settings (lower-casing, accents, special tokens, its own length limit).</summary>
    public BertTokenizerSettings TokenizerSettings => Tokenizer.Settings;

    /// <summary>
    /// Maximum tokens per text, [CLS] and [SEP] included: the metadata's <c>ppkm.max_length</c> (what the package was
    /// exported for), else the tokenizer's <c>model_max_length</c>; never more than <see cref="MaxPositionEmbeddings"/>.
    /// This is the one truncation rule: serving and benchmarking both use it.
    /// </summary>
    /// <exception cref="UserInputException"><c>ppkm.max_length</c> is not a length of at least 2, or the tokenizer files are malformed.</exception>
    public int MaxLength => _maxLength.Value;

    /// <summary>The package's export.json, read strictly on first use; null when the folder has none.</summary>
    /// <exception cref="UserInputException">export.json is not JSON, is of a newer schema, or has a missing or mistyped field.</exception>
    public ExportRecord? Export => _export.Value;

    /// <summary>The package's quantize.json, read strictly on first use; null when no variant was quantized.</summary>
    /// <exception cref="UserInputException">quantize.json is not JSON, is of a newer schema, or has a missing or mistyped field.</exception>
    public QuantizeRecord? Quantize => _quantize.Value;

    /// <summary>
    /// The max length the checkpoint in <paramref name="folder"/> was trained with (training.json's
    /// <c>hyperparameters.max_length</c>), or null when the folder has no training.json. Static, so a folder that is not
    /// yet a package (a checkpoint being exported) is not checked as one.
    /// </summary>
    /// <exception cref="UserInputException">training.json is not a training record (see <see cref="ReadTrainingRecord"/>).</exception>
    public static int? TrainedMaxLength(string folder)
    {
        var path = Path.Combine(folder, TrainingRecordFile);
        return File.Exists(path) ? ReadTrainingRecord(path).Hyperparameters.MaxLength : null;
    }

    /// <summary>
    /// Reads a training.json strictly (<see cref="ArtifactJson.Read{T}(string, System.Text.Json.Serialization.Metadata.JsonTypeInfo{T})"/>):
    /// the one reader of training records, for a checkpoint's own and for one a package names.
    /// </summary>
    /// <exception cref="UserInputException">No such file, not JSON, a newer schema, or a missing or mistyped field (the message names it).</exception>
    public static TrainingRecord ReadTrainingRecord(string path) => ArtifactJson.Read(path, ArtifactRecordJsonContext.Default.TrainingRecord);

    /// <summary>
    /// Reads an adapt.json (<see cref="AdaptRecord"/>, written by <c>ppkm adapt</c> beside an adapted checkpoint) strictly,
    /// as <see cref="ReadTrainingRecord"/> reads a training.json: the one reader of adaptation records.
    /// </summary>
    /// <exception cref="UserInputException">No such file, not JSON, a newer schema, or a missing or mistyped field (the message names it).</exception>
    public static AdaptRecord ReadAdaptRecord(string path) => ArtifactJson.Read(path, ArtifactRecordJsonContext.Default.AdaptRecord);

    /// <summary>Reads the facts of <paramref name="folder"/>.</summary>
    /// <param name="folder">A model package or checkpoint folder.</param>
    /// <param name="onnxMetadata">The <c>metadata_props</c> of the ONNX file the caller opened, if any.</param>
    /// <param name="metadataSource">That ONNX file, named in messages about its metadata.</param>
    /// <exception cref="UserInputException">No such folder; config.json is not JSON or has a mistyped field.</exception>
    public static ModelPackage Read(string folder, IReadOnlyDictionary<string, string>? onnxMetadata = null, string? metadataSource = null)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model package folder not found.");
        var config = ReadOptionalObject(Path.Combine(folder, ModelPackageLayout.ConfigFile));
        return new ModelPackage(folder, config, onnxMetadata ?? new Dictionary<string, string>(), metadataSource ?? folder);
    }

    /// <summary>
    /// The class names of a config.json's <c>id2label</c>, ordered by id. Keys must be the ids 0 … n−1 and values strings
    /// (a null is an error, never an empty name). transformers writes placeholder names <c>LABEL_0</c>, … into configs
    /// that never had labels, so placeholders of a config whose <c>architectures</c> names no <c>…ForSequenceClassification</c>
    /// mean "no labels" (empty list).
    /// </summary>
    /// <param name="config">The config.json object.</param>
    /// <param name="source">The file, for messages.</param>
    /// <exception cref="UserInputException">A key that is not a class id, ids with gaps, or a value that is not a string.</exception>
    public static IReadOnlyList<string> LabelsFromConfig(JsonObject config, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["id2label"] is not { } node) return [];
        if (node is not JsonObject id2label) throw new UserInputException(source, "id2label", $"must be an object of class id → name, got {node.ToJsonString()}.");
        var pairs = id2label
            .Select(kv => (Id: LabelId(kv.Key, source),
                Name: kv.Value is null ? throw new UserInputException(source, $"id2label.{kv.Key}", "is null.") : JsonFields.Value<string>(kv.Value, source)))
            .OrderBy(p => p.Id).ToList();
        for (int i = 0; i < pairs.Count; i++)
            if (pairs[i].Id != i) throw new UserInputException(source, "id2label", $"ids must be 0..{pairs.Count - 1}.");
        var labels = pairs.Select(p => p.Name).ToList();
        bool hasHead = config["architectures"] is JsonArray architectures
            && architectures.Any(a => a is not null && JsonFields.Value<string>(a, source).EndsWith("ForSequenceClassification", StringComparison.Ordinal));
        return !hasHead && labels.All(l => l.StartsWith("LABEL_", StringComparison.Ordinal)) ? [] : labels;
    }

    private static int LabelId(string key, string source) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
            : throw new UserInputException(source, "id2label", $"key '{key}' is not a class id (expected \"0\", \"1\", …).");

    private static string? ModelTypeFromConfig(JsonObject config, string source) =>
        JsonFields.ValueOr<string?>(config["model_type"], source, null)?.ToLowerInvariant() switch
        {
            null => null,
            "bert" => "bert",
            "distilbert" => "distilbert",
            var other => throw new UserInputException(source, "model_type", $"unsupported model_type '{other}' (supported: bert, distilbert)."),
        };

    private IReadOnlyList<string> LabelsFromMetadata()
    {
        if (!_metadata.TryGetValue(ModelPackageLayout.MetadataLabels, out var json)) return [];
        try { return JsonSerializer.Deserialize<string[]>(json) ?? []; }
        catch (JsonException e) { throw new UserInputException($"{_metadataSource}: metadata {ModelPackageLayout.MetadataLabels} is not a JSON array of strings ({e.Message})."); }
    }

    private BertWordPieceTokenizer CreateTokenizer()
    {
        var vocabPath = Path.Combine(Folder, VocabularyFile);
        // A bare package (vocab.txt beside the ONNX file) carries its tokenizer settings in the model's metadata.
        var tokenizer = File.Exists(Path.Combine(Folder, TokenizerConfigFile)) || !File.Exists(vocabPath)
            || !_metadata.TryGetValue(ModelPackageLayout.MetadataTokenizer, out var json)
            ? BertWordPieceTokenizer.FromFolder(Folder)
            : BertWordPieceTokenizer.Create(vocabPath, TokenizerSettingsFromMetadata(json));
        if (EmbeddingRows is { } rows) RequireVocabularyFits(tokenizer.VocabularySize, rows, vocabPath, $"{ConfigPath}'s vocab_size");
        return tokenizer;
    }

    /// <summary>
    /// The one rule for a vocabulary and its embedding table: every token id must index a row, or the model reads past the
    /// table (ONNX Runtime fails the run; TorchSharp fails the step) on the first text that uses a late token.
    /// </summary>
    /// <param name="tokens">Tokens in the vocabulary.</param>
    /// <param name="embeddingRows">Rows of the word-embedding table.</param>
    /// <param name="vocabulary">The vocabulary file, named in the message.</param>
    /// <param name="rowsSource">Where the row count comes from, named in the message.</param>
    /// <exception cref="UserInputException"><paramref name="tokens"/> is more than <paramref name="embeddingRows"/>.</exception>
    public static void RequireVocabularyFits(int tokens, int embeddingRows, string vocabulary, string rowsSource)
    {
        if (tokens > embeddingRows)
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture,
                $"{vocabulary}: {tokens} tokens but the word-embedding table has {embeddingRows} rows ({rowsSource}); ids from {embeddingRows} on would index past it. Use the vocabulary the model was trained with."));
    }

    private BertTokenizerSettings TokenizerSettingsFromMetadata(string json)
    {
        var source = $"{_metadataSource}: metadata {ModelPackageLayout.MetadataTokenizer}";
        JsonObject c;
        try
        {
            c = JsonNode.Parse(json) as JsonObject ?? throw new UserInputException($"{source} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{source} is not valid ({e.Message}).");
        }
        var s = new BertTokenizerSettings();
        return s with
        {
            DoLowerCase = JsonFields.ValueOr(c["do_lower_case"], source, s.DoLowerCase),
            StripAccents = c["strip_accents"] is { } sa ? JsonFields.Value<bool>(sa, source) : null,
            TokenizeChineseChars = JsonFields.ValueOr(c["tokenize_chinese_chars"], source, s.TokenizeChineseChars),
            UnknownToken = JsonFields.ValueOr(c["unk_token"], source, s.UnknownToken),
            ClassificationToken = JsonFields.ValueOr(c["cls_token"], source, s.ClassificationToken),
            SeparatorToken = JsonFields.ValueOr(c["sep_token"], source, s.SeparatorToken),
            PaddingToken = JsonFields.ValueOr(c["pad_token"], source, s.PaddingToken),
            MaskToken = JsonFields.ValueOr(c["mask_token"], source, s.MaskToken),
        };
    }

    private int ResolveMaxLength()
    {
        int maxLength;
        if (_metadata.TryGetValue(ModelPackageLayout.MetadataMaxLength, out var text))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxLength) || maxLength < 2)
                throw new UserInputException($"{_metadataSource}: metadata {ModelPackageLayout.MetadataMaxLength} '{text}' is not a length of at least 2.");
        }
        else maxLength = Tokenizer.Settings.ModelMaxLength;
        return MaxPositionEmbeddings is { } positions ? Math.Min(maxLength, positions) : maxLength;
    }

    private static JsonObject? ReadOptionalObject(string path)
    {
        if (!File.Exists(path)) return null;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
        return root as JsonObject ?? throw new UserInputException($"{path}: not a JSON object.");
    }
}
