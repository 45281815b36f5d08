using PpkmOnnx.Core;
using System.Text;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// Learns a WordPiece vocabulary (<c>vocab.txt</c>) from raw texts, as the Hugging Face <c>tokenizers</c> WordPiece
/// trainer does: the texts are split into words by the same basic tokenization as <see cref="BertWordPieceTokenizer"/>
/// (BertNormalizer + BertPreTokenizer); the vocabulary starts with the special tokens, then every character kept
/// (by code point), then the <c>##</c> form of every character seen inside a word (by code point); then pairs of
/// adjacent pieces are merged, best first by <see cref="WordPieceTrainerOptions.MergeRule"/>, until the vocabulary
/// reaches <see cref="WordPieceTrainerOptions.VocabularySize"/> or no pair occurs
/// <see cref="WordPieceTrainerOptions.MinFrequency"/> times. Merging <c>a</c> with <c>##b</c> gives <c>ab</c>,
/// <c>##a</c> with <c>##b</c> gives <c>##ab</c>; a merge whose result is already a token reuses its id.
/// </summary>
/// <remarks>
/// Differences from the <c>tokenizers</c> crate, all about order, none about content: its <c>##</c> characters come in
/// hash-map order (here by code point), its alphabet limit drops equally frequent characters in arbitrary order (here
/// the higher code point first), and it always merges by pair count (<see cref="WordPieceMergeRule.Frequency"/>).
/// Texts that contain a special token literally are split like any text, as there.
/// </remarks>
public static class WordPieceTrainer
{
    /// <summary>Learns a vocabulary from <paramref name="texts"/>.</summary>
    /// <exception cref="UserInputException">Invalid options, a corpus without a word, or a vocabulary size smaller than the
    /// special tokens plus the corpus's alphabet (the message says the minimum).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked per text and per merge).</exception>
    public static WordPieceTrainingResult Train(IEnumerable<string> texts, WordPieceTrainerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new WordPieceTrainerOptions();
        options.Validate();

        // 1. Word counts.
        var counts = CountWords(texts, options.Tokenizer, cancellationToken, out long textCount);
        if (counts.Count == 0) throw new UserInputException($"the corpus has no words ({textCount:N0} texts, all blank).");
        var words = counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        long wordTotal = words.Sum(kv => kv.Value);

        // 2. Alphabet: characters weighted by word counts; the least frequent dropped beyond the limit.
        var charCounts = new Dictionary<int, long>();
        foreach (var (word, count) in words)
            foreach (var rune in word.EnumerateRunes())
                charCounts[rune.Value] = charCounts.GetValueOrDefault(rune.Value) + count;
        var dropped = new HashSet<int>();
        if (options.LimitAlphabet is int limit && charCounts.Count > limit)
            foreach (var (cp, _) in charCounts.OrderBy(kv => kv.Value).ThenByDescending(kv => kv.Key).Take(charCounts.Count - limit))
                dropped.Add(cp);

        var vocab = new TrainerVocabulary();
        foreach (var special in options.SpecialTokens) vocab.Add(special);
        foreach (var cp in charCounts.Keys.Where(cp => !dropped.Contains(cp)).Order()) vocab.Add(char.ConvertFromUtf32(cp));

        // 3. Words as symbol ids: the first character bare, the rest with ##, dropped characters skipped.
        var continuing = new SortedSet<int>();
        foreach (var (word, _) in words)
        {
            bool first = true;
            foreach (var rune in word.EnumerateRunes())
            {
                if (!first && !dropped.Contains(rune.Value)) continuing.Add(rune.Value);
                first = false;
            }
        }
        foreach (var cp in continuing) vocab.Add(WordPieceVocabulary.ContinuationPrefix + char.ConvertFromUtf32(cp));
        int initialSize = vocab.Count;
        if (initialSize > options.VocabularySize)
            throw new UserInputException(
                $"vocabulary size {options.VocabularySize:N0} is smaller than the {options.SpecialTokens.Count} special tokens plus the corpus's alphabet "
                + $"({charCounts.Count - dropped.Count:N0} characters, {continuing.Count:N0} of them also as ## pieces): ask for at least {initialSize:N0}"
                + (options.LimitAlphabet is null ? " or limit the alphabet." : " or lower the alphabet limit."));

        var symbols = new List<int>[words.Length];
        var weights = new long[words.Length];
        for (int w = 0; w < words.Length; w++)
        {
            var list = new List<int>(words[w].Key.Length);
            bool first = true;
            foreach (var rune in words[w].Key.EnumerateRunes())
            {
                if (!dropped.Contains(rune.Value))
                    list.Add(vocab.Id(first ? rune.ToString() : WordPieceVocabulary.ContinuationPrefix + rune.ToString()));
                first = false;
            }
            symbols[w] = list;
            weights[w] = words[w].Value;
        }

        // 4. Merges.
        var merger = new WordPieceMerger(vocab, symbols, weights, options.MergeRule, options.MinFrequency);
        var (merges, stopped) = merger.Run(options.VocabularySize, cancellationToken);
        return new WordPieceTrainingResult
        {
            Tokens = vocab.Tokens.ToArray(),
            Settings = options.Tokenizer,
            Texts = textCount,
            Words = wordTotal,
            DistinctWords = words.Length,
            AlphabetSize = charCounts.Count - dropped.Count,
            CharactersDropped = dropped.Count,
            InitialSize = initialSize,
            Merges = merges,
            StoppedEarly = stopped,
        };
    }

    private static Dictionary<string, long> CountWords(IEnumerable<string> texts, BertTokenizerSettings settings, CancellationToken cancellationToken, out long textCount)
    {
        var normalizer = new BertTextNormalizer(settings);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = new char[1024];
        textCount = 0;
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            cancellationToken.ThrowIfCancellationRequested();
            textCount++;
            normalizer.ForEachWord(text.AsSpan(), ref buffer, lookup, static (word, l) =>
                l[word] = l.TryGetValue(word, out var n) ? n + 1 : 1);
        }
        return counts;
    }
}
