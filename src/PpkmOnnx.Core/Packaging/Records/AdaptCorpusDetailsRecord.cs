namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>corpus.details</c>: the labelled split and the files whose texts were kept out of the corpus.</summary>
public sealed record AdaptCorpusDetailsRecord
{
    /// <summary><c>labelled_split</c>: the labelled file whose train split joined the corpus, or null when none was given.</summary>
    public AdaptLabelledSplitRecord? LabelledSplit { get; init; }
    /// <summary><c>excluded_texts_from</c>: a file whose texts never enter the corpus (full path), or null.</summary>
    public string? ExcludedTextsFrom { get; init; }
    /// <summary><c>excluded_texts</c>: texts kept out (the labelled file's validation and test texts and that file's).</summary>
    public required int ExcludedTexts { get; init; }
    /// <summary><c>matching</c>: how a corpus text is matched against an excluded one.</summary>
    public string? Matching { get; init; }
}
