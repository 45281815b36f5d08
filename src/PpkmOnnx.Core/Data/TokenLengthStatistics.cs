using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Token lengths of texts under a tokenizer, counting [CLS] and [SEP] as the model sees them. Percentiles use the
/// nearest-rank method (the smallest length with at least p % of texts at or below it).
/// </summary>
/// <param name="Texts">Texts measured.</param>
/// <param name="MaxLength">The sequence length compared against.</param>
/// <param name="P50">Median length.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Longest.</param>
/// <param name="Mean">Mean length.</param>
/// <param name="TruncatedShare">Share of texts longer than <paramref name="MaxLength"/> (cut when encoded).</param>
/// <param name="UnknownTokenShare">Share of tokens that are the unknown token (vocabulary coverage).</param>
public sealed record TokenLengthStatistics(int Texts, int MaxLength, int P50, int P90, int P95, int P99, int Max, double Mean, double TruncatedShare, double UnknownTokenShare)
{
    /// <summary>Measures <paramref name="texts"/>.</summary>
    public static TokenLengthStatistics Compute(IEnumerable<string> texts, BertWordPieceTokenizer tokenizer, int maxLength)
    {
        if (maxLength < 2) throw new UserInputException($"--max-length must be at least 2, got {maxLength}.");
        var lengths = new List<int>();
        long tokens = 0, unknown = 0;
        foreach (var t in texts)
        {
            var ids = tokenizer.EncodeToIds(t);
            lengths.Add(ids.Count);
            tokens += ids.Count;
            foreach (var id in ids) if (id == tokenizer.UnknownId) unknown++;
        }
        if (lengths.Count == 0) return new TokenLengthStatistics(0, maxLength, 0, 0, 0, 0, 0, 0, 0, 0);
        lengths.Sort();
        int Rank(double p) => lengths[Math.Max(0, (int)Math.Ceiling(p / 100 * lengths.Count) - 1)];
        return new TokenLengthStatistics(lengths.Count, maxLength, Rank(50), Rank(90), Rank(95), Rank(99), lengths[^1],
            lengths.Average(), lengths.Count(l => l > maxLength) / (double)lengths.Count, tokens == 0 ? 0 : unknown / (double)tokens);
    }
}
