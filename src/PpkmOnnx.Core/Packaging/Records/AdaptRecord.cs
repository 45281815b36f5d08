using System.Text.Json.Nodes;
namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// adapt.json, written by <c>ppkm adapt</c> beside the adapted masked-LM checkpoint: the model and vocabulary it started
/// from, the corpus, the settings, the machine and the loss curve. Files written before <c>schema_version</c> existed have
/// this layout (without the tool fields). Required: what every adapt.json has carried (<c>stage</c>, <c>status</c>,
/// <c>model</c>, <c>vocabulary</c>, <c>corpus</c>, <c>hyperparameters</c>, <c>steps</c>, <c>curve</c>).
/// </summary>
public sealed record AdaptRecord : ArtifactRecord
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "adapt.json";

    /// <summary><c>stage</c>: always <c>adapt</c>.</summary>
    public required string Stage { get; init; }
    /// <summary><c>status</c>: <c>completed</c> (the file is written when the run ends).</summary>
    public required string Status { get; init; }
    /// <summary><c>model</c>: the checkpoint adapted, as a full path.</summary>
    public required string Model { get; init; }
    /// <summary><c>architecture</c>: Bert or DistilBert, or null.</summary>
    public string? Architecture { get; init; }
    /// <summary><c>vocabulary</c>: the vocabulary kept or moved to.</summary>
    public required AdaptVocabularyRecord Vocabulary { get; init; }
    /// <summary><c>corpus</c>: the texts trained on.</summary>
    public required AdaptCorpusRecord Corpus { get; init; }
    /// <summary><c>hyperparameters</c>.</summary>
    public required AdaptHyperparametersRecord Hyperparameters { get; init; }
    /// <summary><c>head</c>: the masked-LM head, or null.</summary>
    public AdaptHeadRecord? Head { get; init; }
    /// <summary><c>device</c>: cpu or cuda, or null.</summary>
    public string? Device { get; init; }
    /// <summary><c>threads</c>: libtorch intra-op threads, or null.</summary>
    public int? Threads { get; init; }
    /// <summary><c>cpu</c>: the CPU's vendor, model and instruction sets, or null.</summary>
    public string? Cpu { get; init; }
    /// <summary>
    /// <c>performance</c>: how this process ran libtorch (<c>mkl_kernels</c>: oneMKL's code path and vendor-check answer;
    /// <c>malloc</c>: glibc's heap settings) and its peak resident memory (<c>peak_resident_mb</c>), as in training.json's
    /// <c>performance</c>; null in files written before it existed. Kept as JSON: its shape belongs to the Training project.
    /// </summary>
    public JsonObject? Performance { get; init; }
    /// <summary><c>steps</c>: optimizer steps done.</summary>
    public required long Steps { get; init; }
    /// <summary><c>resumed_at_step</c>: the step the last process started at (0 for an uninterrupted run), or null.</summary>
    public long? ResumedAtStep { get; init; }
    /// <summary><c>training_seconds</c>: training time of all processes of the run, or null.</summary>
    public double? TrainingSeconds { get; init; }
    /// <summary><c>steps_per_second</c>: steps per second of the last process, or null.</summary>
    public double? StepsPerSecond { get; init; }
    /// <summary><c>curve</c>: the loss curve, one point per measurement (the lines of adapt-log.jsonl).</summary>
    public required IReadOnlyList<AdaptCurvePointRecord> Curve { get; init; }
}
