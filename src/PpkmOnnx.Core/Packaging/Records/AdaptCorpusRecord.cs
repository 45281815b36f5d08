namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>corpus</c>: the unlabelled texts an adaptation trained on and what was left out.</summary>
public sealed record AdaptCorpusRecord
{
    /// <summary><c>fingerprint</c>: SHA-256 (hex) of the kept texts, training then held back.</summary>
    public required string Fingerprint { get; init; }
    /// <summary><c>sources</c>: lines read per source.</summary>
    public required IReadOnlyList<AdaptCorpusSourceRecord> Sources { get; init; }
    /// <summary><c>train</c>: training texts.</summary>
    public required int Train { get; init; }
    /// <summary><c>held_out</c>: texts held back for the loss curve.</summary>
    public required int HeldOut { get; init; }
    /// <summary><c>held_out_scored</c>: held-back texts the curve's held-out loss is measured on, or null.</summary>
    public int? HeldOutScored { get; init; }
    /// <summary><c>duplicates</c>: texts dropped as duplicates of an earlier one, or null.</summary>
    public int? Duplicates { get; init; }
    /// <summary><c>excluded</c>: texts dropped because an excluded (evaluation) text matches them, or null.</summary>
    public int? Excluded { get; init; }
    /// <summary><c>mean_tokens_per_text</c>: tokens per training text, [CLS] and [SEP] included, after truncation, or null.</summary>
    public double? MeanTokensPerText { get; init; }
    /// <summary><c>details</c>: where the corpus and its exclusions came from (given by the caller), or null.</summary>
    public AdaptCorpusDetailsRecord? Details { get; init; }
}
