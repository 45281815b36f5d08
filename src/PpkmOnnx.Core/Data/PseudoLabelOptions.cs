namespace PpkmOnnx.Core.Data;

/// <summary>Which rows of a predictions file <see cref="PseudoLabels.AddToTrain"/> adds to a training split.</summary>
public sealed record PseudoLabelOptions
{
    /// <summary>
    /// A predictions file as <c>ppkm predict</c> writes it: CSV/TSV with a header, or JSON Lines, holding <c>text</c>,
    /// <c>label</c> (a class name) and <c>prob_&lt;label&gt;</c> for every class.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>Rows whose predicted class has a lower probability than this are left out.</summary>
    public double MinConfidence { get; init; } = 0.9;

    /// <summary>
    /// At most this many rows are kept: each class its share of the labelled training rows, its most confident rows first;
    /// null keeps every confident row.
    /// </summary>
    public int? Limit { get; init; }

    /// <summary>Files (any format <see cref="TextRowReader"/> reads) whose texts must never be pseudo-labelled training rows, e.g. a held-out evaluation file.</summary>
    public IReadOnlyList<string> ExcludeTextsFrom { get; init; } = [];

    /// <summary>Checks the values are in range.</summary>
    /// <exception cref="ArgumentException">A value out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) throw new ArgumentException("the pseudo-label file path is empty.");
        if (!(MinConfidence is >= 0 and <= 1)) throw new ArgumentException($"the minimum confidence must be in [0, 1], got {MinConfidence}.");
        if (Limit is < 1) throw new ArgumentException($"the pseudo-label limit must be positive, got {Limit}.");
    }
}
