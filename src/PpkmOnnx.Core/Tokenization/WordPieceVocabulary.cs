namespace PpkmOnnx.Core.Tokenization;

/// <summary>
/// A WordPiece vocabulary with greedy longest-match-first lookup over spans (no per-piece string allocation).
/// </summary>
/// <remarks>
/// Our own rather than <c>Microsoft.ML.Tokenizers.WordPieceTokenizer</c>, although tools/TokenizerBench shows the library
/// gives the same ids on every word of 10 431 tweets: it throws on duplicate vocabulary lines (Hugging Face keeps them:
/// the id is the line number and the last line wins for token→id), it allocates a result list per word, and on the
/// same pre-split words it was 1.2–1.9× slower than ours (which even re-normalizes each word there). The greedy loop
/// below is short and allocation-free. Continuation pieces (<c>##xyz</c>) live in their own table keyed without the
/// prefix, so no "##" + substring string is ever built.
/// </remarks>
internal sealed class WordPieceVocabulary
{
    /// <summary>The prefix of a piece that continues a word (<c>##</c>).</summary>
    internal const string ContinuationPrefix = "##";
    private readonly Dictionary<string, int> _wordStarts;
    private readonly Dictionary<string, int> _continuations;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _startLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuationLookup;
    private readonly int _longestStart;
    private readonly int _longestContinuation;

    public WordPieceVocabulary(IReadOnlyList<string> tokensById)
    {
        TokensById = tokensById;
        _wordStarts = new Dictionary<string, int>(tokensById.Count, StringComparer.Ordinal);
        _continuations = new Dictionary<string, int>(tokensById.Count / 4, StringComparer.Ordinal);
        for (int id = 0; id < tokensById.Count; id++)
        {
            var token = tokensById[id];
            // Indexer, not TryAdd: Hugging Face's load_vocab overwrites, so a duplicated line's last id wins.
            _wordStarts[token] = id;
            _longestStart = Math.Max(_longestStart, token.Length);
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                var rest = token[ContinuationPrefix.Length..];
                _continuations[rest] = id;
                _longestContinuation = Math.Max(_longestContinuation, rest.Length);
            }
        }
        _startLookup = _wordStarts.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuationLookup = _continuations.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Token text of each id (line order of vocab.txt).</summary>
    public IReadOnlyList<string> TokensById { get; }

    /// <summary>Number of distinct tokens (Hugging Face's <c>len(vocab)</c>).</summary>
    public int DistinctCount => _wordStarts.Count;

    public bool TryGetId(string token, out int id) => _wordStarts.TryGetValue(token, out id);

    /// <summary>
    /// Appends the pieces of one pre-tokenized word, or a single <paramref name="unknownId"/> when the word has more than
    /// <paramref name="maxInputChars"/> code points or some remainder matches no piece (Hugging Face drops the partial pieces).
    /// With <paramref name="continuation"/> the word is the inside of a longer word, so even its first piece is a
    /// <c>##</c> continuation (how a vocabulary transfer splits a new <c>##xyz</c> token with the old vocabulary).
    /// </summary>
    public void AppendPieces(ReadOnlySpan<char> word, List<int> ids, int unknownId, int maxInputChars, bool continuation = false)
    {
        if (CodePointCount(word) > maxInputChars) { ids.Add(unknownId); return; }
        int mark = ids.Count;
        int start = 0;
        while (start < word.Length)
        {
            bool first = start == 0 && !continuation;
            int end = Math.Min(word.Length, start + (first ? _longestStart : _longestContinuation));
            int found = -1;
            // Shrinking one UTF-16 unit at a time may cut a surrogate pair; such a span matches no token read from UTF-8,
            // so the result equals Hugging Face's code-point loop.
            for (; end > start; end--)
            {
                var piece = word[start..end];
                if (first ? _startLookup.TryGetValue(piece, out var id) : _continuationLookup.TryGetValue(piece, out id))
                {
                    found = id;
                    break;
                }
            }
            if (found < 0)
            {
                ids.RemoveRange(mark, ids.Count - mark);
                ids.Add(unknownId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    private static int CodePointCount(ReadOnlySpan<char> word)
    {
        int count = word.Length;
        foreach (var c in word) if (char.IsLowSurrogate(c)) count--;
        return count;
    }
}
