namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>corpus.details.labelled_split</c>: the split of a labelled file, as <c>ppkm train</c> makes it from the same options.</summary>
public sealed record AdaptLabelledSplitRecord
{
    /// <summary><c>data</c>: the labelled file, as a full path.</summary>
    public required string Data { get; init; }
    /// <summary><c>fingerprint</c>: the split's fingerprint (the one training.json records).</summary>
    public required string Fingerprint { get; init; }
    /// <summary><c>train</c>: rows of its train split, joined to the corpus.</summary>
    public required int Train { get; init; }
    /// <summary><c>excluded_validation</c>: validation rows, kept out of the corpus.</summary>
    public required int ExcludedValidation { get; init; }
    /// <summary><c>excluded_test</c>: test rows, kept out of the corpus.</summary>
    public required int ExcludedTest { get; init; }
}
