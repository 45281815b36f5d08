using PpkmOnnx.Core;
using System.Text;
using System.Text.RegularExpressions;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// A sparse TF-IDF vectoriser that reproduces scikit-learn's <c>TfidfVectorizer</c> with <c>sublinear_tf=True</c> twice
/// side by side, as a practitioner's <c>FeatureUnion</c>: a word block (<c>analyzer='word'</c>, token pattern
/// <c>\b\w\w+\b</c> — words of two or more word characters —, n-grams 1…W joined by a space) and a character block
/// (<c>analyzer='char_wb'</c>: n-grams 1…C inside each whitespace-separated word padded with one space on each side; a
/// word shorter than n gives itself once). Both lower-case the text first. Each block: tf → 1 + ln tf, times the smooth
/// idf ln((1 + n) / (1 + df)) + 1, then L2-normalised; the blocks are concatenated (word features first), so a text's
/// vector has norm √2 when both blocks have features. Terms seen in fewer than <c>min_df</c> training texts are dropped.
/// </summary>
internal sealed class TfidfNgramVectorizer
{
    private static readonly Regex WordToken = new(@"\b\w\w+\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    private readonly int _wordN;
    private readonly int _charN;
    private readonly bool _sublinear;
    private readonly Dictionary<string, int> _words;
    private readonly Dictionary<string, int> _chars;
    private readonly double[] _idf;

    private TfidfNgramVectorizer(int wordN, int charN, bool sublinear, Dictionary<string, int> words, Dictionary<string, int> chars, double[] idf)
    {
        _wordN = wordN;
        _charN = charN;
        _sublinear = sublinear;
        _words = words;
        _chars = chars;
        _idf = idf;
    }

    /// <summary>Features in all: word block then character block.</summary>
    public int Dimension => _idf.Length;

    /// <summary>Word n-gram features (ids 0 … count − 1).</summary>
    public int WordFeatures => _words.Count;

    /// <summary>Inverse document frequency of each feature.</summary>
    public IReadOnlyList<double> Idf => _idf;

    /// <summary>The feature id of a word n-gram (words joined by one space) or a character n-gram, when it is in the vocabulary.</summary>
    public int? WordFeature(string ngram) => _words.TryGetValue(ngram, out var id) ? id : null;

    /// <inheritdoc cref="WordFeature"/>
    public int? CharFeature(string ngram) => _chars.TryGetValue(ngram, out var id) ? _words.Count + id : null;

    /// <summary>Learns the vocabulary and document frequencies from <paramref name="texts"/>.</summary>
    /// <param name="texts">Training texts.</param>
    /// <param name="wordN">Longest word n-gram (at least 1).</param>
    /// <param name="charN">Longest character n-gram (0: no character block).</param>
    /// <param name="minDf">Keep terms in at least this many texts.</param>
    /// <param name="sublinear">tf → 1 + ln tf.</param>
    /// <exception cref="UserInputException">No n-gram is in <paramref name="minDf"/> texts: nothing to learn from.</exception>
    public static TfidfNgramVectorizer Fit(IReadOnlyList<string> texts, int wordN, int charN, int minDf, bool sublinear)
    {
        var wordDf = new Dictionary<string, int>(StringComparer.Ordinal);
        var charDf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var lower = Lower(text);
            foreach (var term in WordNgrams(lower, wordN).Distinct(StringComparer.Ordinal)) wordDf[term] = wordDf.GetValueOrDefault(term) + 1;
            if (charN > 0)
                foreach (var term in CharWbNgrams(lower, charN).Distinct(StringComparer.Ordinal)) charDf[term] = charDf.GetValueOrDefault(term) + 1;
        }
        // Ids in ordinal order of the terms (scikit-learn sorts its vocabulary too), so a fit does not depend on hash order.
        static Dictionary<string, int> Ids(Dictionary<string, int> df, int minDf) => df.Where(kv => kv.Value >= minDf)
            .Select(kv => kv.Key).Order(StringComparer.Ordinal).Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        var words = Ids(wordDf, minDf);
        var chars = Ids(charDf, minDf);
        // scikit-learn refuses the same way ("After pruning, no terms remain"): a model without features predicts one class.
        if (words.Count + chars.Count == 0)
            throw new UserInputException($"no n-gram occurs in at least {minDf} of the {texts.Count} training texts, so the model would have no features; lower the minimum document frequency.");
        var idf = new double[words.Count + chars.Count];
        double n = texts.Count;
        foreach (var (term, id) in words) idf[id] = Math.Log((1 + n) / (1 + wordDf[term])) + 1;
        foreach (var (term, id) in chars) idf[words.Count + id] = Math.Log((1 + n) / (1 + charDf[term])) + 1;
        return new TfidfNgramVectorizer(wordN, charN, sublinear, words, chars, idf);
    }

    /// <summary>The TF-IDF vector of <paramref name="text"/> (unknown terms ignored).</summary>
    public SparseVector Transform(string text)
    {
        var lower = Lower(text);
        var word = Block(WordNgrams(lower, _wordN), _words, 0);
        var chars = _charN > 0 ? Block(CharWbNgrams(lower, _charN), _chars, _words.Count) : [];
        var all = word.Concat(chars).ToArray();
        return new SparseVector(all.Select(p => p.Id).ToArray(), all.Select(p => p.Value).ToArray());
    }

    private List<(int Id, double Value)> Block(IEnumerable<string> terms, Dictionary<string, int> ids, int offset)
    {
        var counts = new Dictionary<int, int>();
        foreach (var term in terms)
            if (ids.TryGetValue(term, out var id)) counts[offset + id] = counts.GetValueOrDefault(offset + id) + 1;
        var values = counts.OrderBy(kv => kv.Key)
            .Select(kv => (Id: kv.Key, Value: (_sublinear ? 1 + Math.Log(kv.Value) : kv.Value) * _idf[kv.Key])).ToList();
        double norm = Math.Sqrt(values.Sum(v => v.Value * v.Value));
        return norm == 0 ? values : values.Select(v => (v.Id, v.Value / norm)).ToList();
    }

    /// <summary>Python's <c>str.lower()</c> as far as .NET's invariant simple case mapping goes.</summary>
    private static string Lower(string text) => text.ToLowerInvariant();

    /// <summary>scikit-learn's word analyzer: tokens of two or more word characters, then n-grams 1…<paramref name="maxN"/>.</summary>
    internal static IEnumerable<string> WordNgrams(string lower, int maxN)
    {
        var tokens = WordToken.Matches(lower).Select(m => m.Value).ToArray();
        for (int n = 1; n <= maxN; n++)
            for (int i = 0; i + n <= tokens.Length; i++)
                yield return n == 1 ? tokens[i] : string.Join(' ', tokens, i, n);
    }

    /// <summary>scikit-learn's <c>_char_wb_ngrams</c> with n-grams 1…<paramref name="maxN"/>, counted in code points.</summary>
    internal static IEnumerable<string> CharWbNgrams(string lower, int maxN)
    {
        foreach (var w in lower.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = new List<string> { " " };
            padded.AddRange(w.EnumerateRunes().Select(r => r.ToString()));
            padded.Add(" ");
            for (int n = 1; n <= maxN; n++)
            {
                int offset = 0;
                yield return Join(padded, offset, n);
                while (offset + n < padded.Count)
                {
                    offset++;
                    yield return Join(padded, offset, n);
                }
                if (offset == 0) break;
            }
        }
    }

    private static string Join(List<string> runes, int start, int n)
    {
        var sb = new StringBuilder();
        for (int i = start; i < Math.Min(start + n, runes.Count); i++) sb.Append(runes[i]);
        return sb.ToString();
    }
}
