using System.Text.Json.Serialization;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>training.json's <c>data</c>: the labelled file trained on and the sizes of its splits.</summary>
public sealed record TrainingDataRecord
{
    /// <summary><c>source</c>: the data file as given.</summary>
    public required string Source { get; init; }
    /// <summary><c>fingerprint</c>: "sha256:…" of the prepared data, so a resume can refuse different data.</summary>
    public required string Fingerprint { get; init; }
    /// <summary><c>train</c>: rows in the training split.</summary>
    public required int Train { get; init; }
    /// <summary><c>validation</c>: rows in the validation split.</summary>
    public required int Validation { get; init; }
    /// <summary><c>test</c>: rows in the test split.</summary>
    public required int Test { get; init; }
    /// <summary><c>train_class_counts</c>: training rows per class id.</summary>
    public required IReadOnlyList<int> TrainClassCounts { get; init; }
    /// <summary>
    /// <c>pseudo_labels</c>: what self-training (<c>--pseudo-labels</c>) read and added to the training split; absent from
    /// the file, not null, in a run without it (as it was before this record was typed).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PseudoLabelReport? PseudoLabels { get; init; }
}
