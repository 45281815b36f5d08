namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>vocabulary</c>: the vocabulary the adapted model uses and how it got there.</summary>
public sealed record AdaptVocabularyRecord
{
    /// <summary><c>source</c>: <c>kept</c> (the model's own), or the vocabulary file moved to, as a full path.</summary>
    public required string Source { get; init; }
    /// <summary><c>source_size</c>: tokens of the model's own vocabulary.</summary>
    public required int SourceSize { get; init; }
    /// <summary><c>size</c>: tokens of the vocabulary adapted on.</summary>
    public required int Size { get; init; }
    /// <summary><c>transfer</c>: how the embeddings moved to the new vocabulary, or null when it was kept.</summary>
    public AdaptTransferRecord? Transfer { get; init; }
    /// <summary><c>lower_case</c>: whether the tokenizer lower-cases.</summary>
    public bool? LowerCase { get; init; }
}
