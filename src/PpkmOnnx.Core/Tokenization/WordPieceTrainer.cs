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
    private const string Prefix = "##";

    /// <summary>Learns a vocabulary from <paramref name="texts"/>.</summary>
    /// <exception cref="UserInputException">Invalid options, a corpus without a word, or a vocabulary size smaller than the
    /// special tokens plus the corpus's alphabet (the message says the minimum).</exception>
    public static WordPieceTrainingResult Train(IEnumerable<string> texts, WordPieceTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new WordPieceTrainerOptions();
        options.Validate();

        // 1. Word counts.
        var counts = CountWords(texts, options.Tokenizer, out long textCount);
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

        var vocab = new Vocabulary();
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
        foreach (var cp in continuing) vocab.Add(Prefix + char.ConvertFromUtf32(cp));
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
                    list.Add(vocab.Id(first ? rune.ToString() : Prefix + rune.ToString()));
                first = false;
            }
            symbols[w] = list;
            weights[w] = words[w].Value;
        }

        // 4. Merges.
        var merger = new Merger(vocab, symbols, weights, options.MergeRule, options.MinFrequency);
        var (merges, stopped) = merger.Run(options.VocabularySize);
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

    private static Dictionary<string, long> CountWords(IEnumerable<string> texts, BertTokenizerSettings settings, out long textCount)
    {
        var normalizer = new BertTextNormalizer(settings);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = new char[1024];
        textCount = 0;
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            textCount++;
            normalizer.ForEachWord(text.AsSpan(), ref buffer, lookup, static (word, l) =>
                l[word] = l.TryGetValue(word, out var n) ? n + 1 : 1);
        }
        return counts;
    }

    /// <summary>Tokens by id and ids by token; adding an existing token returns its id.</summary>
    private sealed class Vocabulary
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        public List<string> Tokens { get; } = new();
        public int Count => Tokens.Count;
        public int Id(string token) => _ids[token];

        public int Add(string token)
        {
            if (_ids.TryGetValue(token, out var id)) return id;
            _ids[token] = Tokens.Count;
            Tokens.Add(token);
            return Tokens.Count - 1;
        }
    }

    /// <summary>Heap order: higher score, then higher count, then lower (left id, right id).</summary>
    private readonly record struct Priority(double Score, long Count, long Key);

    private sealed class PriorityOrder : IComparer<Priority>
    {
        public static readonly PriorityOrder Instance = new();

        public int Compare(Priority x, Priority y)
        {
            int c = y.Score.CompareTo(x.Score);
            if (c != 0) return c;
            c = y.Count.CompareTo(x.Count);
            return c != 0 ? c : x.Key.CompareTo(y.Key);
        }
    }

    /// <summary>
    /// Pair counts over all words (weighted by word counts) kept up to date merge by merge, with a lazy max-heap: every
    /// live pair has a heap entry at least as good as its current priority; a popped entry that no longer matches is
    /// pushed back with the current one. Priorities only rise for pairs with the new token (frequency) or, under the
    /// score rule, also for pairs with a merged part (its count fell); those are pushed after each merge.
    /// </summary>
    private sealed class Merger
    {
        private readonly Vocabulary _vocab;
        private readonly List<int>[] _symbols;
        private readonly long[] _weights;
        private readonly WordPieceMergeRule _rule;
        private readonly long _minFrequency;
        private readonly Dictionary<long, long> _pairCounts = new();
        private readonly Dictionary<long, List<int>> _where = new();
        private readonly List<long> _symbolCounts = new();
        private readonly List<HashSet<long>> _symbolPairs = new();
        private readonly PriorityQueue<long, Priority> _heap = new(PriorityOrder.Instance);

        public Merger(Vocabulary vocab, List<int>[] symbols, long[] weights, WordPieceMergeRule rule, long minFrequency)
        {
            _vocab = vocab;
            _symbols = symbols;
            _weights = weights;
            _rule = rule;
            _minFrequency = minFrequency;
            EnsureSymbols();
            for (int w = 0; w < symbols.Length; w++)
            {
                var s = symbols[w];
                for (int i = 0; i < s.Count; i++)
                {
                    _symbolCounts[s[i]] += weights[w];
                    if (i + 1 < s.Count) AddPair(Key(s[i], s[i + 1]), weights[w]);
                    if (i + 1 < s.Count) AddWhere(Key(s[i], s[i + 1]), w);
                }
            }
            RebuildHeap();
        }

        private static long Key(int a, int b) => ((long)a << 32) | (uint)b;
        private static int Left(long key) => (int)(key >> 32);
        private static int Right(long key) => (int)(key & 0xFFFFFFFF);

        private void EnsureSymbols()
        {
            while (_symbolCounts.Count < _vocab.Count)
            {
                _symbolCounts.Add(0);
                _symbolPairs.Add(new HashSet<long>());
            }
        }

        private void AddWhere(long key, int word)
        {
            if (!_where.TryGetValue(key, out var list)) _where[key] = list = new List<int>();
            if (list.Count == 0 || list[^1] != word) list.Add(word);
        }

        private void AddPair(long key, long delta)
        {
            _pairCounts.TryGetValue(key, out var count);
            long updated = count + delta;
            if (updated == 0)
            {
                _pairCounts.Remove(key);
                _symbolPairs[Left(key)].Remove(key);
                _symbolPairs[Right(key)].Remove(key);
                return;
            }
            _pairCounts[key] = updated;
            if (count == 0)
            {
                _symbolPairs[Left(key)].Add(key);
                _symbolPairs[Right(key)].Add(key);
            }
        }

        private Priority Current(long key)
        {
            long count = _pairCounts[key];
            double score = _rule == WordPieceMergeRule.Frequency ? count
                : count / ((double)_symbolCounts[Left(key)] * _symbolCounts[Right(key)]);
            return new Priority(score, count, key);
        }

        private void Push(long key) => _heap.Enqueue(key, Current(key));

        private void RebuildHeap()
        {
            _heap.Clear();
            foreach (var key in _pairCounts.Keys) Push(key);
        }

        public (int Merges, string? StoppedEarly) Run(int vocabularySize)
        {
            int merges = 0;
            var seen = new int[_symbols.Length];
            var touched = new HashSet<long>();
            while (_vocab.Count < vocabularySize)
            {
                if (!_heap.TryDequeue(out long key, out var popped))
                    return (merges, _pairCounts.Count == 0 ? "no pair of pieces left to merge" : $"no pair occurs at least {_minFrequency} times");
                if (!_pairCounts.ContainsKey(key)) continue;
                var current = Current(key);
                if (current != popped) { _heap.Enqueue(key, current); continue; }
                if (current.Count < _minFrequency)
                {
                    // Frequency: the best pair is too rare, so all are (the tokenizers crate stops here). Score: this
                    // pair can only get rarer; drop it and look further.
                    if (_rule == WordPieceMergeRule.Frequency) return (merges, $"no pair occurs at least {_minFrequency} times");
                    continue;
                }

                int a = Left(key), b = Right(key);
                string right = _vocab.Tokens[b];
                int c = _vocab.Add(_vocab.Tokens[a] + (right.StartsWith(Prefix, StringComparison.Ordinal) ? right[Prefix.Length..] : right));
                EnsureSymbols();
                merges++;
                touched.Clear();
                foreach (int w in _where[key])
                {
                    if (seen[w] == merges) continue;
                    seen[w] = merges;
                    MergeWord(w, a, b, c, touched);
                }
                _where.Remove(key);

                foreach (var t in touched) if (_pairCounts.ContainsKey(t)) Push(t);
                if (_rule == WordPieceMergeRule.Score)
                    foreach (var part in a == b ? new[] { a } : new[] { a, b })
                        foreach (var t in _symbolPairs[part]) Push(t);
                if (_heap.Count > 4 * _pairCounts.Count + 4096) RebuildHeap();
            }
            return (merges, null);
        }

        /// <summary>Replaces every non-overlapping (a, b), left to right, in word <paramref name="w"/> by c; pairs with c go to <paramref name="touched"/>.</summary>
        private void MergeWord(int w, int a, int b, int c, HashSet<long> touched)
        {
            var s = _symbols[w];
            long weight = _weights[w];
            bool found = false;
            for (int i = 0; i + 1 < s.Count; i++)
                if (s[i] == a && s[i + 1] == b) { found = true; break; }
            if (!found) return;

            for (int i = 0; i + 1 < s.Count; i++) AddPair(Key(s[i], s[i + 1]), -weight);
            int merged = 0;
            for (int i = 0; i + 1 < s.Count; i++)
            {
                if (s[i] != a || s[i + 1] != b) continue;
                s[i] = c;
                s.RemoveAt(i + 1);
                merged++;
            }
            for (int i = 0; i + 1 < s.Count; i++)
            {
                long key = Key(s[i], s[i + 1]);
                AddPair(key, weight);
                if (s[i] != c && s[i + 1] != c) continue;
                touched.Add(key);
                AddWhere(key, w);
            }
            _symbolCounts[a] -= merged * weight;
            _symbolCounts[b] -= merged * weight;
            _symbolCounts[c] += merged * weight;
        }
    }
}
