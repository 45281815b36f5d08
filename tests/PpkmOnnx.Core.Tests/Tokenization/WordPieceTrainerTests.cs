using PpkmOnnx.Core;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Core.Tests.Tokenization;

/// <summary>
/// WordPiece training on corpora small enough to work out by hand.
/// </summary>
/// <remarks>
/// Corpus A = "Ab ab ab, abc!" and "ca ca". Basic tokenization (lower-cased, punctuation split off) gives the words
/// ab ×3, abc ×1, ca ×2, "," ×1, "!" ×1. Characters weighted by word counts: a 6, b 4, c 3, "," 1, "!" 1.
/// Vocabulary before merging: 0–4 [PAD] [UNK] [CLS] [SEP] [MASK]; alphabet by code point 5 "!", 6 ",", 7 a, 8 b, 9 c;
/// ## forms of the characters seen inside a word 10 ##a (ca), 11 ##b (ab, abc), 12 ##c (abc): 13 tokens.
/// Words as pieces: ab = a ##b (×3), abc = a ##b ##c (×1), ca = c ##a (×2). Piece counts: a 4, ##b 4, ##c 1, c 2, ##a 2.
/// Pairs: (a, ##b) 4, (##b, ##c) 1, (c, ##a) 2.
/// Score rule, count(ab) / (count(a)·count(b)): (a,##b) 4/16 = 0.25, (##b,##c) 1/4 = 0.25, (c,##a) 2/4 = 0.5
///   → merge 1 "ca". Then (a,##b) and (##b,##c) tie at 0.25, the higher count wins → merge 2 "ab"; abc = ab ##c, and
///   (ab, ##c) occurs once: below a minimum frequency of 2 training stops at 15 tokens; with minimum 1 it scores
///   1/(4·1) and gives merge 3 "abc".
/// Frequency rule (the tokenizers crate's): (a,##b) 4 → "ab" first, then (c,##a) 2 → "ca", then (ab,##c) 1 stops it.
///
/// Corpus B = "aaaa": pieces a ##a ##a ##a; pairs (a,##a) 1, (##a,##a) 2 (two adjacent places).
/// Score: (a,##a) 1/(1·3) = 0.33 beats (##a,##a) 2/(3·3) = 0.22 → "aa"; then aa ##a ##a: (aa,##a) 1/(1·2) = 0.5 beats
///   (##a,##a) 1/(2·2) → "aaa"; then "aaaa".
/// Frequency: (##a,##a) 2 → "##aa" merged left to right without overlap: a ##aa ##a; (a,##aa) and (##aa,##a) tie at 1,
///   the lower ids (5, 7) win over (7, 6) → "aaa"; then "aaaa".
/// </remarks>
public sealed class WordPieceTrainerTests
{
    private static readonly string[] CorpusA = ["Ab ab ab, abc!", "ca ca"];
    private static readonly string[] InitialA = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "!", ",", "a", "b", "c", "##a", "##b", "##c"];

    private static WordPieceTrainerOptions Options(int size = 100, int minFrequency = 2, WordPieceMergeRule rule = WordPieceMergeRule.Score, int? limitAlphabet = 1000) =>
        new() { VocabularySize = size, MinFrequency = minFrequency, MergeRule = rule, LimitAlphabet = limitAlphabet };

    [Fact]
    public void ScoreRule_LearnsTheHandComputedVocabularyAndStopsAtTheMinimumFrequency()
    {
        var result = WordPieceTrainer.Train(CorpusA, Options());
        Assert.Equal([.. InitialA, "ca", "ab"], result.Tokens);
        Assert.Equal(13, result.InitialSize);
        Assert.Equal(2, result.Merges);
        Assert.Equal(5, result.AlphabetSize);
        Assert.Equal(2, result.Texts);
        Assert.Equal(8, result.Words);
        Assert.Equal(5, result.DistinctWords);
        Assert.Contains("at least 2", result.StoppedEarly);
    }

    [Fact]
    public void MinimumFrequencyOne_AlsoMergesThePairSeenOnce()
    {
        var result = WordPieceTrainer.Train(CorpusA, Options(minFrequency: 1));
        Assert.Equal([.. InitialA, "ca", "ab", "abc"], result.Tokens);
        Assert.Equal("no pair of pieces left to merge", result.StoppedEarly);
    }

    [Fact]
    public void FrequencyRule_MergesTheMostFrequentPairFirst()
    {
        Assert.Equal([.. InitialA, "ab", "ca"], WordPieceTrainer.Train(CorpusA, Options(rule: WordPieceMergeRule.Frequency)).Tokens);
    }

    [Fact]
    public void VocabularySize_StopsTrainingExactlyThere()
    {
        var score = WordPieceTrainer.Train(CorpusA, Options(size: 14));
        Assert.Equal([.. InitialA, "ca"], score.Tokens);
        Assert.Null(score.StoppedEarly);
        Assert.Equal([.. InitialA, "ab"], WordPieceTrainer.Train(CorpusA, Options(size: 14, rule: WordPieceMergeRule.Frequency)).Tokens);
    }

    [Theory]
    [InlineData(WordPieceMergeRule.Score, new[] { "aa", "aaa", "aaaa" })]
    [InlineData(WordPieceMergeRule.Frequency, new[] { "##aa", "aaa", "aaaa" })]
    public void RepeatedCharacter_MergesLeftToRightWithoutOverlap(WordPieceMergeRule rule, string[] merges)
    {
        var result = WordPieceTrainer.Train(["aaaa"], Options(minFrequency: 0, rule: rule));
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a", .. merges], result.Tokens);
    }

    [Fact]
    public void LimitAlphabet_DropsTheRarestCharactersHigherCodePointFirstOnTies()
    {
        // "!" and "," both occur once; a limit of 4 drops one of them: "," (U+002C) before "!" (U+0021).
        var result = WordPieceTrainer.Train(CorpusA, Options(limitAlphabet: 4));
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "!", "a", "b", "c", "##a", "##b", "##c", "ca", "ab"], result.Tokens);
        Assert.Equal(1, result.CharactersDropped);
    }

    [Fact]
    public void LearnedVocabulary_LoadsInTheTokenizerAndSplitsByLongestMatch()
    {
        var tokenizer = WordPieceTrainer.Train(CorpusA, Options()).ToTokenizer();
        // [CLS] ab ##c ca [SEP]: "abc" is not a token, the longest prefix is "ab" (14), then ##c (12); "ca" is 13.
        Assert.Equal([2, 14, 12, 13, 3], tokenizer.EncodeToIds("ABC ca"));
        Assert.Equal(0, tokenizer.PadId);
    }

    [Fact]
    public void CasedTraining_KeepsCapitalsAndSurrogatePairsAsOneCharacter()
    {
        // "Ab😀" cased: A, b, 😀 (one code point, two UTF-16 units); ## forms of b and 😀.
        var result = WordPieceTrainer.Train(["Ab\U0001F600"], Options(size: 10, minFrequency: 0) with { Tokenizer = new BertTokenizerSettings { DoLowerCase = false } });
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "A", "b", "\U0001F600", "##b", "##\U0001F600"], result.Tokens);
    }

    [Fact]
    public void VocabularySizeBelowSpecialTokensPlusAlphabet_IsAnErrorThatSaysTheMinimum()
    {
        var e = Assert.Throws<UserInputException>(() => WordPieceTrainer.Train(CorpusA, Options(size: 12)));
        Assert.Contains("at least 13", e.Message);
    }

    [Fact]
    public void CorpusWithoutWords_IsAnError()
    {
        Assert.Throws<UserInputException>(() => WordPieceTrainer.Train([], Options()));
        var e = Assert.Throws<UserInputException>(() => WordPieceTrainer.Train(["  ", "\t\u200B"], Options()));
        Assert.Contains("no words", e.Message);
    }

    [Theory]
    [InlineData(0, 2, 1000)]
    [InlineData(100, -1, 1000)]
    [InlineData(100, 2, 0)]
    public void InvalidOptions_AreRejected(int size, int minFrequency, int limit)
    {
        Assert.Throws<ArgumentException>(() => WordPieceTrainer.Train(CorpusA, Options(size, minFrequency, limitAlphabet: limit)));
    }
}
