using System.Text;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>Every line of the Hugging Face golden files, for both vocabularies, without and with truncation.</summary>
public sealed class BertWordPieceTokenizerGoldenTests
{
    [SkippableFact]
    public void BertBaseUncased_MatchesHuggingFaceOnEveryLine()
    {
        using var temp = TestPaths.NewTempFolder();
        var tokenizer = BertWordPieceTokenizer.Create(GoldenTokenization.ExtractMiniLmVocabulary(temp.Path));
        Assert.Equal((101, 102, 0, 100), (tokenizer.ClsId, tokenizer.SepId, tokenizer.PadId, tokenizer.UnknownId));
        AssertEveryLine(tokenizer, GoldenTokenization.Read("bert-base-uncased.jsonl"));
    }

    [SkippableFact]
    public void IndoBertBaseP1_MatchesHuggingFaceOnEveryLine()
    {
        var tokenizer = BertWordPieceTokenizer.FromFolder(TestPaths.SharedFile("data", "vocab", "indobenchmark__indobert-base-p1"));
        Assert.Equal((2, 3), (tokenizer.ClsId, tokenizer.SepId));
        AssertEveryLine(tokenizer, GoldenTokenization.Read("indobert-base-p1.jsonl"));
    }

    [SkippableTheory]
    [InlineData("bert-base-uncased")]
    [InlineData("indobert-base-p1")]
    public void TokenizerJsonWrittenFromVocabulary_ReadsBackHuggingFaceExact(string vocabulary)
    {
        using var temp = TestPaths.NewTempFolder();
        var original = vocabulary == "bert-base-uncased"
            ? BertWordPieceTokenizer.Create(GoldenTokenization.ExtractMiniLmVocabulary(temp.Path))
            : BertWordPieceTokenizer.FromFolder(TestPaths.SharedFile("data", "vocab", "indobenchmark__indobert-base-p1"));
        var fastOnly = Directory.CreateDirectory(Path.Combine(temp.Path, "fast-only")).FullName;
        Assert.Null(original.SaveTokenizerJson(Path.Combine(fastOnly, "tokenizer.json")));

        // The folder holds tokenizer.json alone, so FromFolder must take every setting and id from it.
        var reloaded = BertWordPieceTokenizer.FromFolder(fastOnly);
        Assert.Equal((original.ClsId, original.SepId, original.PadId, original.UnknownId, original.VocabularySize),
            (reloaded.ClsId, reloaded.SepId, reloaded.PadId, reloaded.UnknownId, reloaded.VocabularySize));
        Assert.Equal(original.Settings with { ModelMaxLength = 512 }, reloaded.Settings with { ModelMaxLength = 512 });
        AssertEveryLine(reloaded, GoldenTokenization.Read(vocabulary + ".jsonl"));
    }

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(512)]
    public void EncodeBatch_TruncatesAndPadsLikeHuggingFace(int maxLength)
    {
        var tokenizer = BertWordPieceTokenizer.FromFolder(TestPaths.SharedFile("data", "vocab", "indobenchmark__indobert-base-p1"));
        var golden = GoldenTokenization.Read("indobert-base-p1.jsonl");
        // Batches of 16 so that every batch pads differently; the golden ids are untruncated.
        for (int start = 0; start < golden.Count; start += 16)
        {
            var lines = golden.Skip(start).Take(16).ToList();
            var batch = tokenizer.EncodeBatch(lines.Select(l => l.Text).ToList(), maxLength);
            var expectedRows = lines.Select(l => Truncate(l.Ids, maxLength)).ToList();
            int longest = expectedRows.Max(r => r.Length);
            Assert.Equal(lines.Count, batch.BatchSize);
            Assert.Equal(longest, batch.SequenceLength);
            Assert.Equal(lines.Count * longest, batch.InputIds.Length);
            for (int r = 0; r < lines.Count; r++)
            {
                var expected = expectedRows[r];
                // The one truncation rule serving and bench use for single texts gives the batch's rows.
                Assert.Equal(expected, tokenizer.EncodeTruncated(lines[r].Text, maxLength));
                var actualIds = batch.InputIds.AsSpan(r * longest, longest).ToArray();
                var expectedIds = expected.Select(id => (long)id).Concat(Enumerable.Repeat((long)tokenizer.PadId, longest - expected.Length)).ToArray();
                Assert.True(expectedIds.SequenceEqual(actualIds), $"line {lines[r].Number}, max_length {maxLength}: expected [{string.Join(',', expectedIds)}] got [{string.Join(',', actualIds)}]");
                var mask = batch.AttentionMask.AsSpan(r * longest, longest).ToArray();
                Assert.Equal(Enumerable.Repeat(1L, expected.Length).Concat(Enumerable.Repeat(0L, longest - expected.Length)), mask);
            }
            Assert.All(batch.TokenTypeIds, t => Assert.Equal(0L, t));
            Assert.Equal(expectedRows.Sum(r => r.Length), batch.RealTokenCount);
        }
    }

    /// <summary>Hugging Face truncation written independently: [CLS], the first L−2 pieces, [SEP].</summary>
    private static int[] Truncate(int[] withSpecials, int maxLength)
    {
        if (withSpecials.Length <= maxLength) return withSpecials;
        var pieces = withSpecials[1..^1];
        return [withSpecials[0], .. pieces[..(maxLength - 2)], withSpecials[^1]];
    }

    private static void AssertEveryLine(BertWordPieceTokenizer tokenizer, IReadOnlyList<GoldenTokenization.Line> golden)
    {
        Assert.Equal(618, golden.Count);
        var report = new StringBuilder();
        int mismatches = 0;
        foreach (var line in golden)
        {
            var actual = tokenizer.EncodeToIds(line.Text).ToArray();
            if (actual.SequenceEqual(line.Ids)) continue;
            if (++mismatches > 5) continue;
            int first = 0;
            while (first < Math.Min(actual.Length, line.Ids.Length) && actual[first] == line.Ids[first]) first++;
            report.AppendLine($"line {line.Number}: {Escape(line.Text)}");
            report.AppendLine($"  first difference at position {first}");
            report.AppendLine($"  expected [{string.Join(',', line.Ids)}]");
            report.AppendLine($"  actual   [{string.Join(',', actual)}]");
        }
        Assert.True(mismatches == 0, $"{mismatches} of {golden.Count} lines differ from Hugging Face; first ones:\n{report}");
    }

    private static string Escape(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
            sb.Append(rune.Value is < 0x20 or 0x7F or (>= 0x80 and < 0xA0) or 0x200B or 0x200C or 0x200D or 0xFEFF
                ? $"\\u{rune.Value:X4}" : rune.ToString());
        return sb.Append('"').ToString();
    }
}
