using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class TokenLengthStatisticsTests
{
    [Fact]
    public void NearestRankPercentiles_AndTruncatedShare()
    {
        using var tmp = TestPaths.NewTempFolder();
        var vocab = tmp.Combine("vocab.txt");
        File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"]);
        var tokenizer = BertWordPieceTokenizer.Create(vocab);
        // Lengths with [CLS]/[SEP]: words + 2 → 3, 4, 5, …, 12 (ten texts); "zz" is one unknown word.
        var texts = Enumerable.Range(1, 10).Select(n => string.Join(' ', Enumerable.Repeat("a", n - 1).Append("zz"))).ToList();
        var stats = TokenLengthStatistics.Compute(texts, tokenizer, maxLength: 10);
        // Nearest rank on [3..12]: p50 → 5th = 7, p90 → 9th = 11, p95/p99 → 10th = 12.
        Assert.Equal((7, 11, 12, 12, 12), (stats.P50, stats.P90, stats.P95, stats.P99, stats.Max));
        Assert.Equal(7.5, stats.Mean, 10);
        Assert.Equal(0.2, stats.TruncatedShare, 10); // 11 and 12 exceed 10
        Assert.Equal(10 / 75.0, stats.UnknownTokenShare, 10);
    }
}
