using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using static PpkmOnnx.Core.Tokenization.BertTextNormalizer;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// A Hugging Face-exact BERT tokenizer: basic tokenization (clean text, CJK split, lower-case and strip accents when
/// uncased, whitespace and punctuation split) followed by greedy longest-match WordPiece with <c>##</c> continuations.
/// Special-token ids come from the vocabulary, never assumed. Thread-safe after creation.
/// </summary>
public sealed class BertWordPieceTokenizer
{
    private readonly WordPieceVocabulary _vocabulary;
    private readonly BertTextNormalizer _normalizer;
    private readonly string[] _specialTokens;
    private readonly SearchValues<char> _specialTokenStarts;

    // Per-thread scratch space keeps the hot path allocation-free and thread-safe; one huge text does not pin its buffer.
    [ThreadStatic] private static char[]? t_normalized;
    [ThreadStatic] private static List<int>? t_ids;
    private const int MaxRetainedScratch = 1 << 20;

    private BertWordPieceTokenizer(IReadOnlyList<string> tokensById, BertTokenizerSettings settings, string source)
    {
        if (settings.MaxInputCharsPerWord < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), $"{source}: MaxInputCharsPerWord must be positive.");
        _vocabulary = new WordPieceVocabulary(tokensById);
        _normalizer = new BertTextNormalizer(settings);
        Settings = settings;
        int Id(string token, string role) => _vocabulary.TryGetId(token, out var id) ? id
            : throw new UserInputException(
                $"{source}: the vocabulary has no {role} token '{token}'; a BERT vocabulary needs its [CLS], [SEP], [PAD] and [UNK] tokens.");
        UnknownId = Id(settings.UnknownToken, "unknown (unk_token)");
        ClsId = Id(settings.ClassificationToken, "classification (cls_token)");
        SepId = Id(settings.SeparatorToken, "separator (sep_token)");
        PadId = Id(settings.PaddingToken, "padding (pad_token)");
        _specialTokens = new[] { settings.UnknownToken, settings.ClassificationToken, settings.SeparatorToken, settings.PaddingToken, settings.MaskToken }
            .Where(t => t.Length > 0 && _vocabulary.TryGetId(t, out _))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToArray();
        _specialTokenStarts = SearchValues.Create(_specialTokens.Select(t => t[0]).Distinct().ToArray());
    }

    /// <summary>The settings in force.</summary>
    public BertTokenizerSettings Settings { get; }
    /// <summary>Number of ids (lines of <c>vocab.txt</c>): the embedding rows a model needs. Equals Hugging Face's
    /// <c>vocab_size</c> unless the file repeats a line.</summary>
    public int VocabularySize => _vocabulary.TokensById.Count;
    /// <summary>Id of the unknown token.</summary>
    public int UnknownId { get; }
    /// <summary>Id of [CLS].</summary>
    public int ClsId { get; }
    /// <summary>Id of [SEP].</summary>
    public int SepId { get; }
    /// <summary>Id of [PAD].</summary>
    public int PadId { get; }
    /// <summary>Token text of every id, in <c>vocab.txt</c> line order.</summary>
    public IReadOnlyList<string> TokensById => _vocabulary.TokensById;

    /// <summary>The id of the exact vocabulary entry <paramref name="token"/> (e.g. <c>[MASK]</c>, <c>##nya</c>), if present.</summary>
    public bool TryGetId(string token, out int id) => _vocabulary.TryGetId(token, out id);

    /// <summary>
    /// Appends the WordPiece ids of one already-normalized word (no basic tokenization): greedy longest match, or a
    /// single unknown id when it cannot be split. With <paramref name="continuation"/> every piece, the first included,
    /// is a <c>##</c> continuation — the word is the inside of a longer one.
    /// </summary>
    public void AppendWordPieces(ReadOnlySpan<char> word, List<int> destination, bool continuation = false)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _vocabulary.AppendPieces(word, destination, UnknownId, Settings.MaxInputCharsPerWord, continuation);
    }

    /// <summary>
    /// Creates a tokenizer from a <c>vocab.txt</c>: one token per line, id = line number; a trailing CR is stripped;
    /// a repeated line keeps its id but the token maps to its last line, as Hugging Face's <c>load_vocab</c> does.
    /// </summary>
    /// <exception cref="UserInputException">The file does not exist.</exception>
    /// <exception cref="UserInputException">The file is empty or lacks a special token of <paramref name="settings"/>.</exception>
    public static BertWordPieceTokenizer Create(string vocabPath, BertTokenizerSettings? settings = null)
    {
        if (!File.Exists(vocabPath)) throw new UserInputException($"{vocabPath}: vocabulary file not found.");
        return new BertWordPieceTokenizer(ReadVocabularyLines(vocabPath), settings ?? new BertTokenizerSettings(), vocabPath);
    }

    /// <summary>Creates a tokenizer from tokens in id order (what <c>vocab.txt</c> lists, e.g. a trained vocabulary).</summary>
    /// <exception cref="UserInputException">The list lacks a special token of <paramref name="settings"/>.</exception>
    public static BertWordPieceTokenizer FromTokens(IReadOnlyList<string> tokensById, BertTokenizerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(tokensById);
        if (tokensById.Count == 0) throw new UserInputException("vocabulary is empty.");
        return new BertWordPieceTokenizer(tokensById.ToArray(), settings ?? new BertTokenizerSettings(), "vocabulary");
    }

    /// <summary>
    /// Creates the tokenizer of a Hugging Face model folder: <c>vocab.txt</c> with optional <c>tokenizer_config.json</c>
    /// and <c>special_tokens_map.json</c>, or else a fast-tokenizer <c>tokenizer.json</c> (WordPiece model, BertNormalizer).
    /// </summary>
    /// <exception cref="UserInputException">The folder has neither <c>vocab.txt</c> nor <c>tokenizer.json</c>.</exception>
    /// <exception cref="UserInputException">A file is malformed or describes something this tokenizer cannot reproduce.</exception>
    public static BertWordPieceTokenizer FromFolder(string folder)
    {
        var vocabPath = Path.Combine(folder, "vocab.txt");
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var fastPath = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(vocabPath))
        {
            var settings = TokenizerFolderFiles.ApplyTokenizerConfig(new BertTokenizerSettings(), configPath);
            settings = TokenizerFolderFiles.ApplySpecialTokensMap(settings, Path.Combine(folder, "special_tokens_map.json"));
            return new BertWordPieceTokenizer(ReadVocabularyLines(vocabPath), settings, vocabPath);
        }
        if (File.Exists(fastPath))
        {
            var (tokens, settings) = TokenizerFolderFiles.ReadFastTokenizer(fastPath);
            settings = TokenizerFolderFiles.ApplyTokenizerConfig(settings, configPath);
            return new BertWordPieceTokenizer(tokens, settings, fastPath);
        }
        throw new UserInputException(
            $"{folder}: no tokenizer found (expected vocab.txt, optionally with tokenizer_config.json, or tokenizer.json).");
    }

    /// <summary>
    /// Writes <c>vocab.txt</c> (LF line ends, one token per id) and <c>tokenizer_config.json</c> into
    /// <paramref name="folder"/>, each atomically, so that <see cref="FromFolder"/> (or Hugging Face) reads this tokenizer back.
    /// </summary>
    public void Save(string folder)
    {
        OutputFolder.Create(folder);
        var vocab = new StringBuilder();
        foreach (var token in _vocabulary.TokensById) vocab.Append(token).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(folder, "vocab.txt"), vocab.ToString());
        var config = new JsonObject
        {
            ["tokenizer_class"] = "BertTokenizer",
            ["do_lower_case"] = Settings.DoLowerCase,
            ["strip_accents"] = Settings.StripAccents is bool b ? JsonValue.Create(b) : null,
            ["tokenize_chinese_chars"] = Settings.TokenizeChineseChars,
            ["unk_token"] = Settings.UnknownToken,
            ["cls_token"] = Settings.ClassificationToken,
            ["sep_token"] = Settings.SeparatorToken,
            ["pad_token"] = Settings.PaddingToken,
            ["mask_token"] = Settings.MaskToken,
            ["model_max_length"] = Settings.ModelMaxLength,
            ["max_input_chars_per_word"] = Settings.MaxInputCharsPerWord,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Writes this tokenizer as a Hugging Face fast-tokenizer file (<c>tokenizer.json</c>) at <paramref name="path"/>,
    /// atomically, so that the tokenizers library, transformers.js and <see cref="FromFolder"/> read the same tokenizer.
    /// </summary>
    /// <returns>Null when written, else why not (a vocabulary that repeats a token cannot be written as a JSON map).</returns>
    public string? SaveTokenizerJson(string path)
    {
        var (json, reason) = FastTokenizerJson.Build(_vocabulary.TokensById, Settings, ClsId, SepId);
        if (json is null) return reason;
        AtomicFile.WriteAllText(path, json);
        return null;
    }

    /// <summary>Ids of <paramref name="text"/>, with [CLS] … [SEP] when <paramref name="addSpecialTokens"/>, not truncated.</summary>
    public IReadOnlyList<int> EncodeToIds(string text, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        EncodeToIds(text.AsSpan(), ids, addSpecialTokens);
        return ids;
    }

    /// <summary>
    /// The words Hugging Face's basic tokenization produces (normalized, split on whitespace and punctuation), before
    /// WordPiece: what <c>BertTokenizer.basic_tokenizer.tokenize</c> returns. For inspection and comparisons.
    /// </summary>
    public IReadOnlyList<string> SplitWords(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        ForEachWord(text, words, static (word, list) => list.Add(word.ToString()));
        return words;
    }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="destination"/> (no allocation once the list has grown).</summary>
    public void EncodeToIds(ReadOnlySpan<char> text, List<int> destination, bool addSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (addSpecialTokens) destination.Add(ClsId);
        ForEachWord(text, (Tokenizer: this, Ids: destination), static (word, state) =>
            state.Tokenizer._vocabulary.AppendPieces(word, state.Ids, state.Tokenizer.UnknownId, state.Tokenizer.Settings.MaxInputCharsPerWord));
        if (addSpecialTokens) destination.Add(SepId);
    }

    /// <summary>
    /// Calls <paramref name="action"/> on each word of <paramref name="text"/> (a static lambda: no closure allocation).
    /// Special tokens written literally in the text (case-sensitive, e.g. "[SEP]") are words of their own that skip
    /// normalization, as Hugging Face's added-token splitting does; WordPiece then finds them whole in the vocabulary.
    /// </summary>
    private void ForEachWord<TState>(ReadOnlySpan<char> text, TState state, WordAction<TState> action)
    {
        int segmentStart = 0;
        int search = 0;
        while (search < text.Length)
        {
            int relative = text[search..].IndexOfAny(_specialTokenStarts);
            if (relative < 0) break;
            int at = search + relative;
            string? special = null;
            foreach (var token in _specialTokens)
                if (text[at..].StartsWith(token, StringComparison.Ordinal)) { special = token; break; }
            if (special is null) { search = at + 1; continue; }
            ForEachNormalizedWord(text[segmentStart..at], state, action);
            action(special, state);
            segmentStart = search = at + special.Length;
        }
        ForEachNormalizedWord(text[segmentStart..], state, action);
    }

    /// <summary>Normalizes <paramref name="text"/> and calls <paramref name="action"/> on each word it splits into.</summary>
    private void ForEachNormalizedWord<TState>(ReadOnlySpan<char> text, TState state, WordAction<TState> action)
    {
        if (text.IsEmpty) return;
        var buffer = t_normalized ??= new char[1024];
        _normalizer.ForEachWord(text, ref buffer, state, action);
        t_normalized = buffer.Length > MaxRetainedScratch ? null : buffer;
    }

    /// <summary>
    /// The ids a model sees for <paramref name="text"/>: truncated as Hugging Face does (<c>[CLS]</c> + first L−2 pieces +
    /// <c>[SEP]</c>, L = <paramref name="maxLength"/>). The one truncation rule: batches, serving and bench all use it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 2.</exception>
    public int[] EncodeTruncated(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "maxLength must be at least 2.");
        var ids = t_ids ??= new List<int>(256);
        ids.Clear();
        EncodeToIds(text.AsSpan(), ids, addSpecialTokens: false);
        int keep = Math.Min(ids.Count, maxLength - 2);
        var row = new int[keep + 2];
        row[0] = ClsId;
        ids.CopyTo(0, row, 1, keep);
        row[keep + 1] = SepId;
        if (ids.Capacity > MaxRetainedScratch) t_ids = null;
        return row;
    }

    /// <summary>
    /// Encodes a batch: each text truncated by <see cref="EncodeTruncated"/>, padded on the right with <see cref="PadId"/>
    /// to the longest row of this batch (<see cref="EncodedBatch.Pad"/>); token type ids are all zero.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is below 2.</exception>
    public EncodedBatch EncodeBatch(IReadOnlyList<string> texts, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "maxLength must be at least 2.");
        var rows = new int[texts.Count][];
        for (int r = 0; r < texts.Count; r++) rows[r] = EncodeTruncated(texts[r], maxLength);
        return EncodedBatch.Pad(rows, PadId);
    }

    /// <summary>
    /// Lines of a vocab.txt as Hugging Face reads them: split on LF only, one trailing CR stripped (Windows files),
    /// a final empty line after the last LF is not a token, a UTF-8 byte order mark is ignored.
    /// </summary>
    private static string[] ReadVocabularyLines(string path)
    {
        var text = File.ReadAllText(path, new UTF8Encoding(false));
        var lines = text.Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        if (count == 0) throw new UserInputException($"{path}: vocabulary is empty.");
        var tokens = new string[count];
        for (int i = 0; i < count; i++)
        {
            var line = lines[i];
            tokens[i] = line.EndsWith('\r') ? line[..^1] : line;
        }
        return tokens;
    }
}
