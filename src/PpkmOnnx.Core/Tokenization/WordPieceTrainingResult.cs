namespace PpkmOnnx.Core.Tokenization;

/// <summary>A vocabulary learned by <see cref="WordPieceTrainer.Train"/>, with what it was learned from.</summary>
public sealed record WordPieceTrainingResult
{
    /// <summary>Tokens by id, as <c>vocab.txt</c> lists them: special tokens, the alphabet, <c>##</c> characters, then merges.</summary>
    public required IReadOnlyList<string> Tokens { get; init; }
    /// <summary>The tokenizer settings the corpus was split with (and that a tokenizer over <see cref="Tokens"/> must use).</summary>
    public required BertTokenizerSettings Settings { get; init; }
    /// <summary>Texts read.</summary>
    public required long Texts { get; init; }
    /// <summary>Words after basic tokenization, with repeats.</summary>
    public required long Words { get; init; }
    /// <summary>Distinct words.</summary>
    public required int DistinctWords { get; init; }
    /// <summary>Distinct characters kept (the word-initial alphabet).</summary>
    public required int AlphabetSize { get; init; }
    /// <summary>Distinct characters dropped by the alphabet limit.</summary>
    public required int CharactersDropped { get; init; }
    /// <summary>Tokens before the first merge: special tokens, alphabet and <c>##</c> characters.</summary>
    public required int InitialSize { get; init; }
    /// <summary>Merges performed (a merge whose token already existed adds none).</summary>
    public required int Merges { get; init; }
    /// <summary>Why training stopped before the requested size, or null when it reached it.</summary>
    public required string? StoppedEarly { get; init; }

    /// <summary>A tokenizer over the learned vocabulary, with the training settings.</summary>
    public BertWordPieceTokenizer ToTokenizer() => BertWordPieceTokenizer.FromTokens(Tokens, Settings);
}
