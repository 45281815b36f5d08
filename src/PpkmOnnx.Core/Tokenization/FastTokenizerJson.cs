using System.Text.Json;
using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// Writes the Hugging Face fast-tokenizer file (<c>tokenizer.json</c>) of a BERT WordPiece tokenizer, laid out as
/// <c>tokenizers</c>' <c>BertTokenizerFast.save_pretrained</c> does: BertNormalizer, BertPreTokenizer, WordPiece model,
/// <c>[CLS] $A [SEP]</c> template, WordPiece decoder. Packages carry it so that tokenizers, transformers.js and Optimum
/// load them without a conversion step.
/// </summary>
internal static class FastTokenizerJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The file's text, or null with a reason when the vocabulary repeats a token (a JSON map cannot hold both ids).</summary>
    public static (string? Json, string? Reason) Build(IReadOnlyList<string> tokensById, BertTokenizerSettings settings, int clsId, int sepId)
    {
        var vocab = new JsonObject();
        for (int id = 0; id < tokensById.Count; id++)
        {
            if (vocab.ContainsKey(tokensById[id]))
                return (null, $"the vocabulary repeats '{tokensById[id]}' (ids {vocab[tokensById[id]]} and {id}); tokenizer.json maps each token to one id");
            vocab[tokensById[id]] = id;
        }

        var special = new[] { settings.PaddingToken, settings.UnknownToken, settings.ClassificationToken, settings.SeparatorToken, settings.MaskToken }
            .Where(t => t.Length > 0 && vocab.ContainsKey(t))
            .Distinct(StringComparer.Ordinal)
            .Select(t => (Token: t, Id: vocab[t]!.GetValue<int>()))
            .OrderBy(t => t.Id);
        var addedTokens = new JsonArray(special.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id, ["content"] = t.Token, ["single_word"] = false, ["lstrip"] = false,
            ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        }).ToArray());

        JsonObject Piece(string kind, string id, int typeId) => new() { [kind] = new JsonObject { ["id"] = id, ["type_id"] = typeId } };
        JsonObject SpecialEntry(string token, int id) => new() { ["id"] = token, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(token) };
        string cls = settings.ClassificationToken, sep = settings.SeparatorToken;

        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = addedTokens,
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = settings.TokenizeChineseChars,
                ["strip_accents"] = settings.StripAccents is bool strip ? JsonValue.Create(strip) : null,
                ["lowercase"] = settings.DoLowerCase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(Piece("SpecialToken", cls, 0), Piece("Sequence", "A", 0), Piece("SpecialToken", sep, 0)),
                ["pair"] = new JsonArray(Piece("SpecialToken", cls, 0), Piece("Sequence", "A", 0), Piece("SpecialToken", sep, 0),
                    Piece("Sequence", "B", 1), Piece("SpecialToken", sep, 1)),
                ["special_tokens"] = new JsonObject { [cls] = SpecialEntry(cls, clsId), [sep] = SpecialEntry(sep, sepId) },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = settings.UnknownToken,
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = settings.MaxInputCharsPerWord,
                ["vocab"] = vocab,
            },
        };
        return (root.ToJsonString(Indented) + "\n", null);
    }
}
