namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// The merge phase of <see cref="WordPieceTrainer"/>. Pair counts over all words (weighted by word counts) kept up to date merge by merge, with a lazy max-heap: every
/// live pair has a heap entry at least as good as its current priority; a popped entry that no longer matches is
/// pushed back with the current one. Priorities only rise for pairs with the new token (frequency) or, under the
/// score rule, also for pairs with a merged part (its count fell); those are pushed after each merge.
/// </summary>
internal sealed class WordPieceMerger
{
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

    private readonly TrainerVocabulary _vocab;
    private readonly List<int>[] _symbols;
    private readonly long[] _weights;
    private readonly WordPieceMergeRule _rule;
    private readonly long _minFrequency;
    private readonly Dictionary<long, long> _pairCounts = new();
    private readonly Dictionary<long, List<int>> _where = new();
    private readonly List<long> _symbolCounts = new();
    private readonly List<HashSet<long>> _symbolPairs = new();
    private readonly PriorityQueue<long, Priority> _heap = new(PriorityOrder.Instance);

    public WordPieceMerger(TrainerVocabulary vocab, List<int>[] symbols, long[] weights, WordPieceMergeRule rule, long minFrequency)
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

    public (int Merges, string? StoppedEarly) Run(int vocabularySize, CancellationToken cancellationToken = default)
    {
        int merges = 0;
        var seen = new int[_symbols.Length];
        var touched = new HashSet<long>();
        while (_vocab.Count < vocabularySize)
        {
            cancellationToken.ThrowIfCancellationRequested();
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
            int c = _vocab.Add(_vocab.Tokens[a] + (right.StartsWith(WordPieceVocabulary.ContinuationPrefix, StringComparison.Ordinal) ? right[WordPieceVocabulary.ContinuationPrefix.Length..] : right));
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
