using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>A hand-made vocabulary whose ids the tests compute by hand (id = position in <see cref="Tokens"/>).</summary>
internal static class SmallVocabulary
{
    public static readonly string[] Tokens =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", // 0–4
        "hello", "world", "##s", "!", "un",            // 5–9
        "##aff", "##able", "Hello", "οδος", "σα",      // 10–14
        "ab", "a", "##b", "<s>", "</s>",               // 15–19
        "😷", "##😷",                                  // 20–21
    ];

    public static int Id(string token) => Array.IndexOf(Tokens, token);

    public static string WriteVocab(string folder, IEnumerable<string>? tokens = null, string lineEnd = "\n")
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "vocab.txt");
        File.WriteAllText(path, string.Concat((tokens ?? Tokens).Select(t => t + lineEnd)));
        return path;
    }

    /// <summary>A Hugging Face fast-tokenizer file as transformers writes it for BERT, over <see cref="Tokens"/>.</summary>
    public static string WriteTokenizerJson(string folder, bool lowercase = true)
    {
        Directory.CreateDirectory(folder);
        var vocab = new JsonObject();
        for (int i = 0; i < Tokens.Length; i++) vocab[Tokens[i]] = i;
        JsonObject Special(string token) => new() { ["id"] = token, ["ids"] = new JsonArray(Id(token)), ["tokens"] = new JsonArray(token) };
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(Tokens.Take(5).Select((t, i) => (JsonNode)new JsonObject
            {
                ["id"] = i, ["content"] = t, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
                ["normalized"] = false, ["special"] = true,
            }).ToArray()),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true,
                ["strip_accents"] = null, ["lowercase"] = lowercase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[CLS]", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "[SEP]", ["type_id"] = 0 } }),
                ["special_tokens"] = new JsonObject { ["[CLS]"] = Special("[CLS]"), ["[SEP]"] = Special("[SEP]") },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100, ["vocab"] = vocab,
            },
        };
        var path = Path.Combine(folder, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
