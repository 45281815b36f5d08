using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class TokenLengthStatisticsTests
{
    [Fact]
    public void LinearPercentiles_AndTruncatedShare()
    {
        using var tmp = TestPaths.NewTempFolder();
        var vocab = tmp.Combine("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"]);
        var tokenizer = BertWordPieceTokenizer.Create(vocab);
        // Lengths with [CLS]/[SEP]: words + 2 → 3, 4, 5, …, 12 (ten texts); "zz" is one unknown word.
        var texts = Enumerable.Range(1, 10).Select(n => string.Join(' ', Enumerable.Repeat("a", n - 1).Append("zz"))).ToList();
        var stats = TokenLengthStatistics.Compute(texts, tokenizer, maxLength: 10);
        // Linear on [3..12] (rank h = 9·q/100): p50 h = 4.5 → 7.5, p90 h = 8.1 → 11.1, p95 h = 8.55 → 11.55, p99 h = 8.91 → 11.91.
        Assert.Equal(7.5, stats.P50, 10);
        Assert.Equal(11.1, stats.P90, 10);
        Assert.Equal(11.55, stats.P95, 10);
        Assert.Equal(11.91, stats.P99, 10);
        Assert.Equal(12, stats.Max);
        Assert.Equal(7.5, stats.Mean, 10);
        Assert.Equal(0.2, stats.TruncatedShare, 10); // 11 and 12 exceed 10
        Assert.Equal(10 / 75.0, stats.UnknownTokenShare, 10);
    }
}
