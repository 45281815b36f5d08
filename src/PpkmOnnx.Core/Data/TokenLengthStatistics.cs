using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Token lengths of texts under a tokenizer, counting [CLS] and [SEP] as the model sees them. Percentiles are
/// PpkmOnnx's one definition, <see cref="Percentiles"/> (linear interpolation, numpy's default), so they agree with
/// the token lengths bench reports.
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
public sealed record TokenLengthStatistics(int Texts, int MaxLength, double P50, double P90, double P95, double P99, int Max, double Mean, double TruncatedShare, double UnknownTokenShare)
{
    /// <summary>Measures <paramref name="texts"/>.</summary>
    public static TokenLengthStatistics Compute(IEnumerable<string> texts, BertWordPieceTokenizer tokenizer, int maxLength)
    {
        if (maxLength < 2) throw new InvalidSettingException(nameof(maxLength), $"must be at least 2, got {maxLength}.");
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
        var sorted = Percentiles.Sorted(lengths.Select(l => (double)l));
        return new TokenLengthStatistics(lengths.Count, maxLength,
            Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 90), Percentiles.OfSorted(sorted, 95), Percentiles.OfSorted(sorted, 99), (int)sorted[^1],
            lengths.Average(), lengths.Count(l => l > maxLength) / (double)lengths.Count, tokens == 0 ? 0 : unknown / (double)tokens);
    }
}
