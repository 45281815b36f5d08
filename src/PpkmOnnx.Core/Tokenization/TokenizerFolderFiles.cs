using System.Text.Json;
using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>Reads the Hugging Face tokenizer files of a model folder into <see cref="BertTokenizerSettings"/>.</summary>
internal static class TokenizerFolderFiles
{
    /// <summary><c>model_max_length</c> values at or above this are transformers' "no limit" sentinel (1e30).</summary>
    private const double UnlimitedLength = 1_000_000;
    private const int DefaultMaxLength = 512;

    /// <summary>Applies <c>tokenizer_config.json</c> (slow BertTokenizer arguments) when the file exists.</summary>
    public static BertTokenizerSettings ApplyTokenizerConfig(BertTokenizerSettings settings, string path)
    {
        if (!File.Exists(path)) return settings;
        var c = ReadObject(path);
        if (c["do_basic_tokenize"] is JsonValue basic && !Bool(basic, path, "do_basic_tokenize"))
            throw new UserInputException($"{path}: do_basic_tokenize=false is not supported (only Hugging Face's basic tokenization is implemented).");
        return ApplySpecialTokens(settings, c, path) with
        {
            DoLowerCase = c["do_lower_case"] is JsonValue lc ? Bool(lc, path, "do_lower_case") : settings.DoLowerCase,
            StripAccents = c.ContainsKey("strip_accents")
                ? (c["strip_accents"] is JsonValue sa ? Bool(sa, path, "strip_accents") : null)
                : settings.StripAccents,
            TokenizeChineseChars = c["tokenize_chinese_chars"] is JsonValue tc ? Bool(tc, path, "tokenize_chinese_chars") : settings.TokenizeChineseChars,
            MaxInputCharsPerWord = c["max_input_chars_per_word"] is JsonValue mc ? (int)Number(mc, path, "max_input_chars_per_word") : settings.MaxInputCharsPerWord,
            ModelMaxLength = c["model_max_length"] is JsonValue ml ? MaxLength(Number(ml, path, "model_max_length")) : settings.ModelMaxLength,
        };
    }

    /// <summary>Applies <c>special_tokens_map.json</c> when the file exists (transformers lets it override the config).</summary>
    public static BertTokenizerSettings ApplySpecialTokensMap(BertTokenizerSettings settings, string path) =>
        File.Exists(path) ? ApplySpecialTokens(settings, ReadObject(path), path) : settings;

    /// <summary>
    /// Reads a fast-tokenizer <c>tokenizer.json</c>: the WordPiece <c>model.vocab</c> map (ids must be 0…n−1), the
    /// BertNormalizer flags, [CLS]/[SEP] from the post-processor, [PAD] from padding, the length from truncation.
    /// </summary>
    public static (string[] TokensById, BertTokenizerSettings Settings) ReadFastTokenizer(string path)
    {
        var root = ReadObject(path);
        if (root["model"] is not JsonObject model || model["vocab"] is not JsonObject vocab)
            throw new UserInputException($"{path}: no model.vocab object (not a Hugging Face tokenizer.json?).");
        var type = model["type"]?.GetValue<string>();
        if (type is not null and not "WordPiece")
            throw new UserInputException($"{path}: model.type is '{type}'; only WordPiece (BERT) tokenizers are supported.");
        if (model["continuing_subword_prefix"] is JsonValue prefix && prefix.GetValue<string>() != "##")
            throw new UserInputException($"{path}: continuing_subword_prefix '{prefix}' is not supported (only '##').");

        var tokens = new string?[vocab.Count];
        foreach (var (token, idNode) in vocab)
        {
            int id = idNode is JsonValue v && v.TryGetValue<int>(out var i) ? i : -1;
            if (id < 0 || id >= tokens.Length)
                throw new UserInputException($"{path}: model.vocab id {idNode?.ToJsonString() ?? "null"} of '{token}' is outside 0…{tokens.Length - 1}.");
            if (tokens[id] is not null)
                throw new UserInputException($"{path}: model.vocab gives id {id} to both '{tokens[id]}' and '{token}'.");
            tokens[id] = token;
        }

        var settings = new BertTokenizerSettings();
        switch (root["normalizer"])
        {
            case null:
                settings = settings with { DoLowerCase = false, StripAccents = false, TokenizeChineseChars = false };
                break;
            case JsonObject n when n["type"]?.GetValue<string>() == "BertNormalizer":
                bool lower = n["lowercase"] is JsonValue l ? Bool(l, path, "normalizer.lowercase") : true;
                settings = settings with
                {
                    DoLowerCase = lower,
                    StripAccents = n["strip_accents"] is JsonValue s ? Bool(s, path, "normalizer.strip_accents") : null,
                    TokenizeChineseChars = n["handle_chinese_chars"] is JsonValue h ? Bool(h, path, "normalizer.handle_chinese_chars") : true,
                };
                break;
            default:
                throw new UserInputException($"{path}: normalizer {root["normalizer"]!.ToJsonString()} is not supported (only BertNormalizer).");
        }

        if (model["unk_token"] is JsonValue unk) settings = settings with { UnknownToken = unk.GetValue<string>() };
        if (model["max_input_chars_per_word"] is JsonValue maxChars)
            settings = settings with { MaxInputCharsPerWord = (int)Number(maxChars, path, "model.max_input_chars_per_word") };
        if (root["post_processor"] is JsonObject post)
        {
            var (cls, sep) = PostProcessorTokens(post, path);
            settings = settings with
            {
                ClassificationToken = cls ?? settings.ClassificationToken,
                SeparatorToken = sep ?? settings.SeparatorToken,
            };
        }
        if (root["padding"] is JsonObject padding && padding["pad_token"] is JsonValue pad)
            settings = settings with { PaddingToken = pad.GetValue<string>() };
        if (root["truncation"] is JsonObject truncation && truncation["max_length"] is JsonValue maxLength)
            settings = settings with { ModelMaxLength = MaxLength(Number(maxLength, path, "truncation.max_length")) };
        if (root["added_tokens"] is JsonArray added && added.OfType<JsonObject>().Any(t => t["content"]?.GetValue<string>() == "[MASK]"))
            settings = settings with { MaskToken = "[MASK]" };

        for (int id = 0; id < tokens.Length; id++)
            if (tokens[id] is null) throw new UserInputException($"{path}: model.vocab has no token with id {id}; ids must run 0…{tokens.Length - 1}.");
        return (Array.ConvertAll(tokens, t => t!), settings);
    }

    /// <summary>[CLS] and [SEP] of a BertProcessing (<c>cls</c>/<c>sep</c> pairs) or TemplateProcessing (<c>single</c>) post-processor.</summary>
    private static (string? Cls, string? Sep) PostProcessorTokens(JsonObject post, string path)
    {
        switch (post["type"]?.GetValue<string>())
        {
            case "BertProcessing" or "RobertaProcessing":
                return ((post["cls"] as JsonArray)?[0]?.GetValue<string>(), (post["sep"] as JsonArray)?[0]?.GetValue<string>());
            case "TemplateProcessing" when post["single"] is JsonArray single:
                string? cls = null, sep = null;
                bool seenSequence = false;
                foreach (var piece in single.OfType<JsonObject>())
                {
                    if (piece.ContainsKey("Sequence")) { seenSequence = true; continue; }
                    var id = (piece["SpecialToken"] as JsonObject)?["id"]?.GetValue<string>();
                    if (id is null) continue;
                    if (!seenSequence) cls ??= id; else sep ??= id;
                }
                return (cls, sep);
            case null:
                return (null, null);
            case var other:
                throw new UserInputException($"{path}: post_processor type '{other}' is not supported (BertProcessing or TemplateProcessing).");
        }
    }

    private static BertTokenizerSettings ApplySpecialTokens(BertTokenizerSettings settings, JsonObject c, string path) => settings with
    {
        UnknownToken = Token(c, "unk_token", path) ?? settings.UnknownToken,
        ClassificationToken = Token(c, "cls_token", path) ?? settings.ClassificationToken,
        SeparatorToken = Token(c, "sep_token", path) ?? settings.SeparatorToken,
        PaddingToken = Token(c, "pad_token", path) ?? settings.PaddingToken,
        MaskToken = Token(c, "mask_token", path) ?? settings.MaskToken,
    };

    /// <summary>A special token written either as a string or as an AddedToken object <c>{"content": "[CLS]", …}</c>.</summary>
    private static string? Token(JsonObject c, string key, string path) => c[key] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o when o["content"] is JsonValue content && content.TryGetValue<string>(out var s) => s,
        var other => throw new UserInputException($"{path}: {key} must be a string or an object with \"content\", not {other.ToJsonString()}."),
    };

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new UserInputException($"{path}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: invalid JSON at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }

    private static bool Bool(JsonValue v, string path, string key) =>
        v.TryGetValue<bool>(out var b) ? b : throw new UserInputException($"{path}: {key} must be true or false, not {v.ToJsonString()}.");

    private static double Number(JsonValue v, string path, string key) =>
        v.TryGetValue<double>(out var d) ? d : throw new UserInputException($"{path}: {key} must be a number, not {v.ToJsonString()}.");

    /// <summary>BERT position embeddings stop at 512; transformers writes 1e30 for "unset".</summary>
    private static int MaxLength(double value) =>
        value >= UnlimitedLength || value < 2 ? DefaultMaxLength : (int)value;
}
