using PpkmOnnx.Core;

namespace PpkmOnnx.Core.Tokenization;

/// <summary>What <see cref="WordPieceTrainer"/> learns: size, thresholds and the basic tokenization it shares with
/// <see cref="BertWordPieceTokenizer"/>. Defaults are those of Hugging Face <c>BertWordPieceTokenizer.train</c>.</summary>
public sealed record WordPieceTrainerOptions
{
    /// <summary>Tokens in the vocabulary, special tokens and the alphabet included (Hugging Face default 30,000).</summary>
    public int VocabularySize { get; init; } = 30_000;
    /// <summary>A pair of pieces is merged only when it occurs at least this many times (Hugging Face default 2).</summary>
    public int MinFrequency { get; init; } = 2;
    /// <summary>Keep at most this many distinct characters, the most frequent (null: all; Hugging Face default 1,000);
    /// characters left out are dropped from the words before merging, so they become [UNK] when tokenized.</summary>
    public int? LimitAlphabet { get; init; } = 1_000;
    /// <summary>The merge criterion. Default: pair frequency, what the tokenizers library does; on IFest sheet 2 a 30,000-token
    /// vocabulary learned from corpus_id gives 1.18 pieces per word this way and 3.16 by the WordPiece score (docs/paper.md).</summary>
    public WordPieceMergeRule MergeRule { get; init; } = WordPieceMergeRule.Frequency;
    /// <summary>Lower-casing, accent stripping, CJK spacing and the special tokens; the special tokens open the vocabulary
    /// in Hugging Face's order: pad, unknown, classification, separator, mask.</summary>
    public BertTokenizerSettings Tokenizer { get; init; } = new();

    /// <summary>The special tokens in the order they take ids 0, 1, 2, …</summary>
    public IReadOnlyList<string> SpecialTokens =>
        new[] { Tokenizer.PaddingToken, Tokenizer.UnknownToken, Tokenizer.ClassificationToken, Tokenizer.SeparatorToken, Tokenizer.MaskToken }
            .Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (VocabularySize < 1) throw new ArgumentException($"vocabulary size must be positive, got {VocabularySize}.");
        if (MinFrequency < 0) throw new ArgumentException($"minimum frequency cannot be negative, got {MinFrequency}.");
        if (LimitAlphabet is < 1) throw new ArgumentException($"alphabet limit must be positive, got {LimitAlphabet}.");
        foreach (var (token, role) in new[] { (Tokenizer.PaddingToken, "padding"), (Tokenizer.UnknownToken, "unknown"),
                     (Tokenizer.ClassificationToken, "classification"), (Tokenizer.SeparatorToken, "separator") })
            if (string.IsNullOrEmpty(token)) throw new UserInputException($"the {role} token cannot be empty: a BERT vocabulary needs it.");
    }
}
