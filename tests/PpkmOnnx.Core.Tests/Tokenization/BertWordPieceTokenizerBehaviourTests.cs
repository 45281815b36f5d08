using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>Rules of Hugging Face's BertTokenizer checked on a small vocabulary with ids worked out by hand.</summary>
public sealed class BertWordPieceTokenizerBehaviourTests
{
    private static int Id(string token) => SmallVocabulary.Id(token);

    private static BertWordPieceTokenizer Small(TempFolder temp, BertTokenizerSettings? settings = null) =>
        BertWordPieceTokenizer.Create(SmallVocabulary.WriteVocab(temp.Path), settings);

    [Fact]
    public void Encode_LowerCasesSplitsPunctuationAndWordPieces()
    {
        using var temp = TestPaths.NewTempFolder();
        var ids = Small(temp).EncodeToIds("Hello\tWORLDS!\n unaffable");
        int[] expected = [Id("[CLS]"), Id("hello"), Id("world"), Id("##s"), Id("!"), Id("un"), Id("##aff"), Id("##able"), Id("[SEP]")];
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Encode_CasedKeepsCase()
    {
        using var temp = TestPaths.NewTempFolder();
        var ids = Small(temp, new BertTokenizerSettings { DoLowerCase = false }).EncodeToIds("Hello hello", addSpecialTokens: false);
        Assert.Equal([Id("Hello"), Id("hello")], ids);
    }

    [Fact]
    public void Encode_UnmatchedRemainderMakesWholeWordUnknown()
    {
        using var temp = TestPaths.NewTempFolder();
        // "worldx": "world" matches, "##x" does not: Hugging Face drops the partial pieces and emits one [UNK].
        Assert.Equal([Id("[UNK]"), Id("hello")], Small(temp).EncodeToIds("worldx hello", addSpecialTokens: false));
    }

    [Fact]
    public void Encode_WordLongerThanMaxInputCharsIsUnknown()
    {
        using var temp = TestPaths.NewTempFolder();
        var tokenizer = Small(temp, new BertTokenizerSettings { MaxInputCharsPerWord = 4 });
        // "abab": longest start "ab", then neither "##ab" nor "##a" exists → the whole word is [UNK].
        Assert.Equal([Id("[UNK]")], tokenizer.EncodeToIds("abab", addSpecialTokens: false));
        Assert.Equal([Id("ab"), Id("##b")], tokenizer.EncodeToIds("abb", addSpecialTokens: false));
        Assert.Equal([Id("[UNK]")], tokenizer.EncodeToIds("abbbb", addSpecialTokens: false));
        // Code points, not UTF-16 units: four emoji (eight units) are four characters, five are over the limit.
        Assert.Equal([Id("😷"), Id("##😷"), Id("##😷"), Id("##😷")], tokenizer.EncodeToIds("😷😷😷😷", addSpecialTokens: false));
        Assert.Equal([Id("[UNK]")], tokenizer.EncodeToIds("😷😷😷😷😷", addSpecialTokens: false));
    }

    [Fact]
    public void Encode_DropsControlAndZeroWidthCharacters()
    {
        using var temp = TestPaths.NewTempFolder();
        Assert.Equal([Id("ab")], Small(temp).EncodeToIds("a\u200Bb", addSpecialTokens: false));
        Assert.Equal([Id("ab")], Small(temp).EncodeToIds("\u0000a\u0001b\uFFFD", addSpecialTokens: false));
        Assert.Equal([Id("a"), Id("a")], Small(temp).EncodeToIds("a\u00A0a\u2028", addSpecialTokens: false));
    }

    [Fact]
    public void Encode_LowerCasesLikePythonIncludingFinalSigma()
    {
        using var temp = TestPaths.NewTempFolder();
        // Python: "ΟΔΟΣ".lower() == "οδος" (final ς), "ΣΑ".lower() == "σα" (σ not final). .NET's ToLowerInvariant gives σ in both.
        Assert.Equal([Id("οδος"), Id("σα")], Small(temp).EncodeToIds("ΟΔΟΣ ΣΑ", addSpecialTokens: false));
        // Accents stripped after lower-casing: "Ὀδός" → "οδος".
        Assert.Equal([Id("οδος")], Small(temp).EncodeToIds("Ὀδός", addSpecialTokens: false));
    }

    [Fact]
    public void Create_DuplicateLineKeepsLineNumbersAndLastOccurrenceWins()
    {
        using var temp = TestPaths.NewTempFolder();
        string[] lines = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "hello"];
        var tokenizer = BertWordPieceTokenizer.Create(SmallVocabulary.WriteVocab(temp.Path, lines, "\r\n"));
        Assert.Equal(7, tokenizer.VocabularySize);
        Assert.Equal([2, 6, 5, 3], tokenizer.EncodeToIds("hello world"));
    }

    [Fact]
    public void SplitWords_ReturnsBasicTokenization()
    {
        using var temp = TestPaths.NewTempFolder();
        Assert.Equal(["rp50", ".", "000", "/", "hari", "?", "?", "中", "x", "cafe"], Small(temp).SplitWords("Rp50.000/hari?? 中x Café"));
    }

    [Fact]
    public void SplitWords_StripsAccentsByCanonicalDecomposition()
    {
        using var temp = TestPaths.NewTempFolder();
        var cased = Small(temp, new BertTokenizerSettings { DoLowerCase = false, StripAccents = true });
        // Ǖ = U+00DC U+0304 = U + two marks; ṩ = s + dot below + dot above; Å (angstrom sign) ≡ A + ring; 한 = ᄒ ᅡ ᆫ
        // (Hangul decomposes to jamo, which are letters and stay); U+0344 is nothing but marks; ß and ø have no decomposition.
        Assert.Equal(["Us", "A", "한", "xy", "ßø"], cased.SplitWords("Ǖṩ Å 한 ẍ́y ßø"));
        // Without stripping, accents stay (and lower-casing alone does not remove them).
        var noStrip = Small(temp, new BertTokenizerSettings { DoLowerCase = true, StripAccents = false });
        Assert.Equal(["ǖṩ", "å"], noStrip.SplitWords("Ǖṩ Å"));
    }

    [Fact]
    public void Encode_LiteralSpecialTokensStayWholeAndCaseSensitive()
    {
        using var temp = TestPaths.NewTempFolder();
        // Hugging Face splits added special tokens out of the raw text before normalizing: "[SEP]" is one token,
        // "[sep]" is ordinary text ([, unknown "sep", ]), and "x[MASK]" needs no space before the token.
        int[] expected = [Id("hello"), Id("[SEP]"), Id("world"), Id("[UNK]"), Id("[UNK]"), Id("[UNK]"), Id("a"), Id("[MASK]"), Id("!")];
        Assert.Equal(expected, Small(temp).EncodeToIds("hello[SEP]world [sep] a[MASK]!", addSpecialTokens: false));
        Assert.Equal(["hello", "[SEP]", "world"], Small(temp).SplitWords("HELLO [SEP] World"));
    }

    [Fact]
    public void EncodeBatch_RejectsMaxLengthBelowTwo()
    {
        using var temp = TestPaths.NewTempFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => Small(temp).EncodeBatch(["hello"], 1));
    }

    [Fact]
    public void EncodeBatch_IsThreadSafe()
    {
        using var temp = TestPaths.NewTempFolder();
        var tokenizer = Small(temp);
        string[] texts = ["hello worlds", "unaffable ΟΔΟΣ!", "ab abb a", "Hello, world!!"];
        var expected = texts.Select(t => tokenizer.EncodeToIds(t).ToArray()).ToArray();
        Parallel.For(0, 2000, i =>
        {
            int k = i % texts.Length;
            Assert.Equal(expected[k], tokenizer.EncodeToIds(texts[k]));
        });
    }
}
