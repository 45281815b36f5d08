using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>The architectures PpkmOnnx trains, exports and serves.</summary>
public enum ModelArchitecture
{
    /// <summary>Hugging Face <c>model_type: bert</c>.</summary>
    Bert,
    /// <summary>Hugging Face <c>model_type: distilbert</c>.</summary>
    DistilBert,
}

/// <summary>
/// The sizes and labels of a Hugging Face <c>config.json</c>, normalised across BERT and DistilBERT
/// (DistilBERT's <c>dim</c>/<c>n_layers</c>/<c>n_heads</c>/<c>hidden_dim</c> map to the BERT names).
/// Unknown keys are kept in <see cref="Extra"/> so a read-modify-write round trip loses nothing.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The architecture.</summary>
    public required ModelArchitecture Architecture { get; init; }
    /// <summary>Rows of the word-embedding table (may exceed the tokenizer's vocabulary, as in IndoBERT).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Hidden size (DistilBERT <c>dim</c>).</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Encoder layers (DistilBERT <c>n_layers</c>).</summary>
    public required int NumHiddenLayers { get; init; }
    /// <summary>Attention heads (DistilBERT <c>n_heads</c>).</summary>
    public required int NumAttentionHeads { get; init; }
    /// <summary>Feed-forward inner size (DistilBERT <c>hidden_dim</c>).</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Rows of the position-embedding table.</summary>
    public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>Token-type rows (BERT only; 0 for DistilBERT).</summary>
    public int TypeVocabSize { get; init; } = 2;
    /// <summary>LayerNorm epsilon (DistilBERT uses 1e-12 too).</summary>
    public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>Activation: <c>gelu</c> (erf) or <c>gelu_new</c>/<c>gelu_pytorch_tanh</c> (tanh approximation) or <c>relu</c>.</summary>
    public string HiddenAct { get; init; } = "gelu";
    /// <summary>Dropout on embeddings and hidden states (DistilBERT <c>dropout</c>).</summary>
    public double HiddenDropoutProb { get; init; } = 0.1;
    /// <summary>Dropout on attention probabilities (DistilBERT <c>attention_dropout</c>).</summary>
    public double AttentionProbsDropoutProb { get; init; } = 0.1;
    /// <summary>Dropout before the classifier (<c>classifier_dropout</c> / DistilBERT <c>seq_classif_dropout</c>); null means hidden dropout.</summary>
    public double? ClassifierDropout { get; init; }
    /// <summary>Pad token id from config.json (informational: the tokenizer's vocabulary is authoritative).</summary>
    public int PadTokenId { get; init; }
    /// <summary>Class names by id (<c>id2label</c>); empty for a base model without a head.</summary>
    public IReadOnlyList<string> Labels { get; init; } = Array.Empty<string>();
    /// <summary>
    /// Hugging Face's <c>pruned_heads</c>: layer → the ORIGINAL indices (0 … <see cref="NumAttentionHeads"/> − 1) of the
    /// heads removed from that layer, sorted. <see cref="NumAttentionHeads"/> stays the unpruned count, as transformers
    /// keeps it; <see cref="HeadsInLayer"/> gives what a layer really has. Empty for an unpruned model.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyList<int>> PrunedHeads { get; init; } = new Dictionary<int, IReadOnlyList<int>>();
    /// <summary>Keys of config.json not modelled above, kept verbatim.</summary>
    public JsonObject Extra { get; init; } = new();

    /// <summary>Attention heads layer <paramref name="layer"/> really has (<see cref="NumAttentionHeads"/> less its pruned heads).</summary>
    public int HeadsInLayer(int layer) => NumAttentionHeads - (PrunedHeads.TryGetValue(layer, out var pruned) ? pruned.Count : 0);

    /// <summary>The original indices of the heads layer <paramref name="layer"/> still has, ascending (the order of its Q/K/V rows).</summary>
    public IReadOnlyList<int> RemainingHeads(int layer)
    {
        var pruned = PrunedHeads.TryGetValue(layer, out var p) ? p : Array.Empty<int>();
        return Enumerable.Range(0, NumAttentionHeads).Where(h => !pruned.Contains(h)).ToArray();
    }

    /// <summary>Number of classes (0 for a base model).</summary>
    public int NumLabels => Labels.Count;

    /// <summary>Head size.</summary>
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Reads <paramref name="path"/> (a config.json or a folder holding one).</summary>
    /// <exception cref="UserInputException">The file is missing, not JSON, or lacks a required size.</exception>
    public static ModelConfig Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(file))
            throw new UserInputException($"{file}: config.json not found (expected a Hugging Face model folder).");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject
                ?? throw new UserInputException($"{file}: config.json is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{file}: config.json is not valid JSON ({e.Message}).");
        }
        return FromJson(root, file);
    }

    /// <summary>Parses a config.json object; <paramref name="source"/> names it in errors.</summary>
    public static ModelConfig FromJson(JsonObject root, string source = "config.json")
    {
        var type = JsonFields.ValueOr<string?>(root["model_type"], source, null)?.ToLowerInvariant();
        var arch = type switch
        {
            "bert" => ModelArchitecture.Bert,
            "distilbert" => ModelArchitecture.DistilBert,
            null => throw new UserInputException($"{source}: no model_type (expected bert or distilbert)."),
            _ => throw new UserInputException($"{source}: unsupported model_type '{type}' (supported: bert, distilbert)."),
        };
        int Int(string key, string? alt = null)
        {
            var node = root[key] ?? (alt is null ? null : root[alt]);
            if (node is null) throw new UserInputException($"{source}: missing '{key}'.");
            return JsonFields.Value<int>(node, source);
        }
        double Dbl(string key, double fallback) => JsonFields.ValueOr(root[key], source, fallback);
        string Str(string key, string fallback) => JsonFields.ValueOr(root[key], source, fallback);

        // One id2label rule for checkpoints and packages alike (ids 0..n-1, no nulls, placeholders without a head mean none).
        var labels = ModelPackage.LabelsFromConfig(root, source);

        var known = arch == ModelArchitecture.Bert
            ? new[] { "model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout", "pad_token_id", "id2label", "label2id", "pruned_heads" }
            : new[] { "model_type", "vocab_size", "dim", "n_layers", "n_heads", "hidden_dim", "max_position_embeddings", "activation", "dropout", "attention_dropout", "seq_classif_dropout", "pad_token_id", "id2label", "label2id", "pruned_heads" };
        var extra = new JsonObject();
        foreach (var kv in root)
            if (!known.Contains(kv.Key)) extra[kv.Key] = kv.Value?.DeepClone();

        var config = arch == ModelArchitecture.Bert
            ? new ModelConfig
            {
                Architecture = arch,
                VocabSize = Int("vocab_size"),
                HiddenSize = Int("hidden_size"),
                NumHiddenLayers = Int("num_hidden_layers"),
                NumAttentionHeads = Int("num_attention_heads"),
                IntermediateSize = Int("intermediate_size"),
                MaxPositionEmbeddings = root["max_position_embeddings"] is null ? 512 : Int("max_position_embeddings"),
                TypeVocabSize = root["type_vocab_size"] is null ? 2 : Int("type_vocab_size"),
                LayerNormEps = Dbl("layer_norm_eps", 1e-12),
                HiddenAct = Str("hidden_act", "gelu"),
                HiddenDropoutProb = Dbl("hidden_dropout_prob", 0.1),
                AttentionProbsDropoutProb = Dbl("attention_probs_dropout_prob", 0.1),
                ClassifierDropout = root["classifier_dropout"] is { } cd ? JsonFields.Value<double>(cd, source) : null,
                PadTokenId = root["pad_token_id"] is null ? 0 : Int("pad_token_id"),
                Labels = labels,
                Extra = extra,
            }
            : new ModelConfig
            {
                Architecture = arch,
                VocabSize = Int("vocab_size"),
                HiddenSize = Int("dim"),
                NumHiddenLayers = Int("n_layers"),
                NumAttentionHeads = Int("n_heads"),
                IntermediateSize = Int("hidden_dim"),
                MaxPositionEmbeddings = root["max_position_embeddings"] is null ? 512 : Int("max_position_embeddings"),
                TypeVocabSize = 0,
                LayerNormEps = 1e-12,
                HiddenAct = Str("activation", "gelu"),
                HiddenDropoutProb = Dbl("dropout", 0.1),
                AttentionProbsDropoutProb = Dbl("attention_dropout", 0.1),
                ClassifierDropout = Dbl("seq_classif_dropout", 0.2),
                PadTokenId = root["pad_token_id"] is null ? 0 : Int("pad_token_id"),
                Labels = labels,
                Extra = extra,
            };
        config.CheckBuildable(source);
        return config with { PrunedHeads = ReadPrunedHeads(root["pruned_heads"], config, source) };
    }

    /// <summary>
    /// Refuses sizes and rates no model can be built from (a zero or negative size, heads that do not divide the hidden
    /// size, a dropout probability outside [0, 1]), naming the key as config.json spells it for the architecture, so such a
    /// folder is a one-line error at load rather than a failure deep in libtorch or the graph writer. <see cref="FromJson"/>
    /// runs it; callers that build a configuration otherwise (an importer inferring sizes from a graph) run it themselves.
    /// </summary>
    /// <param name="source">Names the configuration in errors.</param>
    /// <exception cref="UserInputException">The first such value, with its key.</exception>
    public void CheckBuildable(string source)
    {
        bool bert = Architecture == ModelArchitecture.Bert;
        void AtLeast(string key, long value, long minimum)
        {
            if (value < minimum) throw new UserInputException(source, key, $"must be at least {minimum}, got {value}.");
        }
        void Probability(string key, double? value)
        {
            if (value is { } p && !(p >= 0 && p <= 1)) throw new UserInputException(source, key, $"must be a probability in [0, 1], got {p}.");
        }
        AtLeast("vocab_size", VocabSize, 1);
        AtLeast(bert ? "hidden_size" : "dim", HiddenSize, 1);
        AtLeast(bert ? "num_hidden_layers" : "n_layers", NumHiddenLayers, 1);
        AtLeast(bert ? "num_attention_heads" : "n_heads", NumAttentionHeads, 1);
        AtLeast(bert ? "intermediate_size" : "hidden_dim", IntermediateSize, 1);
        // [CLS] and [SEP] take two positions.
        AtLeast("max_position_embeddings", MaxPositionEmbeddings, 2);
        if (bert) AtLeast("type_vocab_size", TypeVocabSize, 1);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new UserInputException(source, bert ? "num_attention_heads" : "n_heads",
                $"{NumAttentionHeads} heads do not divide the hidden size {HiddenSize} ({(bert ? "hidden_size" : "dim")}).");
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
            throw new UserInputException(source, "pad_token_id", $"must be a token id in 0..{VocabSize - 1}, got {PadTokenId}.");
        if (!(LayerNormEps >= 0 && double.IsFinite(LayerNormEps)))
            throw new UserInputException(source, "layer_norm_eps", $"must be a finite number ≥ 0, got {LayerNormEps}.");
        Probability(bert ? "hidden_dropout_prob" : "dropout", HiddenDropoutProb);
        Probability(bert ? "attention_probs_dropout_prob" : "attention_dropout", AttentionProbsDropoutProb);
        Probability(bert ? "classifier_dropout" : "seq_classif_dropout", ClassifierDropout);
    }

    /// <summary>
    /// Parses <c>pruned_heads</c> (<c>{"layer": [heads]}</c>, as transformers writes it) and checks every index, so a folder
    /// that no model could be built from is refused at load rather than as a shape error later.
    /// </summary>
    private static Dictionary<int, IReadOnlyList<int>> ReadPrunedHeads(JsonNode? node, ModelConfig config, string source)
    {
        var result = new Dictionary<int, IReadOnlyList<int>>();
        if (node is null) return result;
        if (node is not JsonObject layers) throw new UserInputException($"{source}: pruned_heads must be an object of layer → head indices.");
        foreach (var (key, value) in layers)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int layer) || layer >= config.NumHiddenLayers)
                throw new UserInputException($"{source}: pruned_heads names layer '{key}', but the model has layers 0..{config.NumHiddenLayers - 1}.");
            if (value is not JsonArray heads) throw new UserInputException($"{source}: pruned_heads[{key}] must be a list of head indices.");
            var list = heads.Select(h => h?.GetValue<int>() ?? -1).Distinct().Order().ToArray();
            if (list.Any(h => h < 0 || h >= config.NumAttentionHeads))
                throw new UserInputException($"{source}: pruned_heads[{key}] has a head outside 0..{config.NumAttentionHeads - 1}.");
            if (list.Length >= config.NumAttentionHeads)
                throw new UserInputException($"{source}: pruned_heads[{key}] removes every head of layer {layer}; a layer needs at least one.");
            if (list.Length > 0) result[layer] = list;
        }
        return result;
    }

    /// <summary>The Hugging Face config.json object for this configuration.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        foreach (var kv in Extra) o[kv.Key] = kv.Value?.DeepClone();
        o["model_type"] = Architecture == ModelArchitecture.Bert ? "bert" : "distilbert";
        if (NumLabels > 0)
        {
            var prefix = Architecture == ModelArchitecture.Bert ? "Bert" : "DistilBert";
            o["architectures"] = new JsonArray($"{prefix}ForSequenceClassification");
            var id2label = new JsonObject();
            var label2id = new JsonObject();
            for (int i = 0; i < Labels.Count; i++) { id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Labels[i]; label2id[Labels[i]] = i; }
            o["id2label"] = id2label;
            o["label2id"] = label2id;
        }
        o["vocab_size"] = VocabSize;
        o["max_position_embeddings"] = MaxPositionEmbeddings;
        o["pad_token_id"] = PadTokenId;
        if (PrunedHeads.Count > 0)
        {
            var pruned = new JsonObject();
            foreach (var (layer, heads) in PrunedHeads.OrderBy(kv => kv.Key))
                pruned[layer.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonArray(heads.Select(h => (JsonNode)h).ToArray());
            o["pruned_heads"] = pruned;
        }
        if (Architecture == ModelArchitecture.Bert)
        {
            o["hidden_size"] = HiddenSize;
            o["num_hidden_layers"] = NumHiddenLayers;
            o["num_attention_heads"] = NumAttentionHeads;
            o["intermediate_size"] = IntermediateSize;
            o["type_vocab_size"] = TypeVocabSize;
            o["layer_norm_eps"] = LayerNormEps;
            o["hidden_act"] = HiddenAct;
            o["hidden_dropout_prob"] = HiddenDropoutProb;
            o["attention_probs_dropout_prob"] = AttentionProbsDropoutProb;
            if (ClassifierDropout is { } cd) o["classifier_dropout"] = cd;
        }
        else
        {
            o["dim"] = HiddenSize;
            o["n_layers"] = NumHiddenLayers;
            o["n_heads"] = NumAttentionHeads;
            o["hidden_dim"] = IntermediateSize;
            o["activation"] = HiddenAct;
            o["dropout"] = HiddenDropoutProb;
            o["attention_dropout"] = AttentionProbsDropoutProb;
            o["seq_classif_dropout"] = ClassifierDropout ?? 0.2;
        }
        return o;
    }

    /// <summary>Writes config.json into <paramref name="folder"/> atomically.</summary>
    public void Save(string folder)
    {
        OutputFolder.Create(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
