using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// A Hugging Face-compatible BERT tokenizer: basic tokenization (clean text, CJK split, lower-case and strip
/// accents when uncased, punctuation split) followed by greedy longest-match WordPiece.
/// Special-token ids come from the vocabulary, never assumed. Thread-safe after creation.
/// </summary>
public sealed class BertWordPieceTokenizer
{
    private readonly Dictionary<string, int> _vocab;

    private BertWordPieceTokenizer(Dictionary<string, int> vocab, BertTokenizerSettings settings)
    {
        _vocab = vocab;
        Settings = settings;
        int Id(string token) => vocab.TryGetValue(token, out var id) ? id
            : throw new InvalidDataException($"vocabulary has no '{token}' token.");
        UnknownId = Id(settings.UnknownToken);
        ClsId = Id(settings.ClassificationToken);
        SepId = Id(settings.SeparatorToken);
        PadId = Id(settings.PaddingToken);
    }

    /// <summary>The settings in force.</summary>
    public BertTokenizerSettings Settings { get; }
    /// <summary>Number of entries of the vocabulary.</summary>
    public int VocabularySize => _vocab.Count;
    /// <summary>Id of the unknown token.</summary>
    public int UnknownId { get; }
    /// <summary>Id of [CLS].</summary>
    public int ClsId { get; }
    /// <summary>Id of [SEP].</summary>
    public int SepId { get; }
    /// <summary>Id of [PAD].</summary>
    public int PadId { get; }

    /// <summary>Creates a tokenizer from a <c>vocab.txt</c> (one token per line; CRLF accepted; first occurrence of a duplicate wins, as in Hugging Face).</summary>
    public static BertWordPieceTokenizer Create(string vocabPath, BertTokenizerSettings? settings = null)
    {
        if (!File.Exists(vocabPath)) throw new InvalidDataException($"{vocabPath}: vocabulary file not found.");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        int index = 0;
        foreach (var raw in File.ReadLines(vocabPath))
        {
            var token = raw.TrimEnd('\r', '\n');
            vocab.TryAdd(token, index);
            index++;
        }
        if (vocab.Count == 0) throw new InvalidDataException($"{vocabPath}: vocabulary is empty.");
        return new BertWordPieceTokenizer(vocab, settings ?? new BertTokenizerSettings());
    }

    /// <summary>Creates the tokenizer of a Hugging Face model folder (<c>vocab.txt</c> + optional <c>tokenizer_config.json</c>).</summary>
    public static BertWordPieceTokenizer FromFolder(string folder)
    {
        var vocab = Path.Combine(folder, "vocab.txt");
        var settings = new BertTokenizerSettings();
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath) && JsonNode.Parse(File.ReadAllText(configPath)) is JsonObject c)
        {
            settings = settings with
            {
                DoLowerCase = c["do_lower_case"]?.GetValue<bool>() ?? settings.DoLowerCase,
                StripAccents = c["strip_accents"] is JsonValue sa ? sa.GetValue<bool>() : null,
                TokenizeChineseChars = c["tokenize_chinese_chars"]?.GetValue<bool>() ?? true,
                UnknownToken = c["unk_token"]?.GetValue<string>() ?? settings.UnknownToken,
                ClassificationToken = c["cls_token"]?.GetValue<string>() ?? settings.ClassificationToken,
                SeparatorToken = c["sep_token"]?.GetValue<string>() ?? settings.SeparatorToken,
                PaddingToken = c["pad_token"]?.GetValue<string>() ?? settings.PaddingToken,
                MaskToken = c["mask_token"]?.GetValue<string>() ?? settings.MaskToken,
                ModelMaxLength = c["model_max_length"] is JsonValue ml && ml.TryGetValue<double>(out var m) && m < 100_000 ? (int)m : 512,
            };
        }
        return Create(vocab, settings);
    }

    /// <summary>Ids of <paramref name="text"/>, with [CLS] … [SEP] when <paramref name="addSpecialTokens"/>, not truncated.</summary>
    public IReadOnlyList<int> EncodeToIds(string text, bool addSpecialTokens = true)
    {
        var ids = new List<int>();
        if (addSpecialTokens) ids.Add(ClsId);
        foreach (var word in BasicTokenize(text)) WordPiece(word, ids);
        if (addSpecialTokens) ids.Add(SepId);
        return ids;
    }

    /// <summary>
    /// Encodes a batch: each text truncated as Hugging Face does (<c>[CLS]</c> + first L−2 pieces + <c>[SEP]</c>),
    /// padded to the longest row of this batch.
    /// </summary>
    public EncodedBatch EncodeBatch(IReadOnlyList<string> texts, int maxLength)
    {
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "maxLength must be at least 2.");
        var rows = new List<IReadOnlyList<int>>(texts.Count);
        int longest = 0;
        foreach (var t in texts)
        {
            var ids = EncodeToIds(t, addSpecialTokens: false);
            int keep = Math.Min(ids.Count, maxLength - 2);
            var row = new int[keep + 2];
            row[0] = ClsId;
            for (int i = 0; i < keep; i++) row[i + 1] = ids[i];
            row[keep + 1] = SepId;
            rows.Add(row);
            longest = Math.Max(longest, row.Length);
        }
        var inputIds = new long[rows.Count * longest];
        var mask = new long[rows.Count * longest];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (int i = 0; i < longest; i++)
            {
                bool real = i < row.Count;
                inputIds[r * longest + i] = real ? row[i] : PadId;
                mask[r * longest + i] = real ? 1 : 0;
            }
        }
        return new EncodedBatch(inputIds, mask, new long[inputIds.Length], rows.Count, longest);
    }

    private IEnumerable<string> BasicTokenize(string text)
    {
        var cleaned = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) { cleaned.Append(' '); continue; }
            if (Settings.TokenizeChineseChars && IsCjk(cp)) { cleaned.Append(' ').Append(rune.ToString()).Append(' '); continue; }
            cleaned.Append(rune.ToString());
        }
        bool strip = Settings.StripAccents ?? Settings.DoLowerCase;
        foreach (var token in cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var t = token;
            if (Settings.DoLowerCase) t = t.ToLowerInvariant();
            if (strip) t = StripAccents(t);
            var current = new StringBuilder();
            foreach (var rune in t.EnumerateRunes())
            {
                if (IsPunctuation(rune))
                {
                    if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                    yield return rune.ToString();
                }
                else current.Append(rune.ToString());
            }
            if (current.Length > 0) yield return current.ToString();
        }
    }

    private void WordPiece(string word, List<int> ids)
    {
        if (word.Length > Settings.MaxInputCharsPerWord) { ids.Add(UnknownId); return; }
        int start = 0;
        var pieces = new List<int>();
        while (start < word.Length)
        {
            int end = word.Length;
            int found = -1;
            while (start < end)
            {
                var sub = start > 0 ? "##" + word[start..end] : word[start..end];
                if (_vocab.TryGetValue(sub, out var id)) { found = id; break; }
                end--;
            }
            if (found < 0) { ids.Add(UnknownId); return; }
            pieces.Add(found);
            start = end;
        }
        ids.AddRange(pieces);
    }

    private static string StripAccents(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(normalized.Length);
        foreach (var ch in normalized)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) sb.Append(ch);
        return sb.ToString();
    }

    private static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        var cat = Rune.GetUnicodeCategory(r);
        return cat is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    private static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
