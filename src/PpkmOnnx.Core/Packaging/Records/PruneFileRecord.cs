using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// prune.json, written by <c>ppkm prune</c> beside the pruned checkpoint: what was removed, how, the sizes and parameters
/// before and after, the recovery, the accuracy guard and the timings. Files written before <c>schema_version</c> existed
/// (and without <c>steps</c>) read as they are. Only the fields the report needs are required.
/// </summary>
public sealed record PruneFileRecord : ArtifactRecord
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "prune.json";

    /// <summary><c>source</c>: the unpruned checkpoint folder the run started from (full path).</summary>
    public required string Source { get; init; }
    /// <summary><c>output</c>: the pruned checkpoint folder written (full path), or null.</summary>
    public string? Output { get; init; }
    /// <summary><c>created_utc</c>: when the run finished, ISO 8601 round-trip text, or null.</summary>
    public string? CreatedUtc { get; init; }
    /// <summary><c>architecture</c>: the model family (Bert, ...), or null.</summary>
    public string? Architecture { get; init; }
    /// <summary><c>method</c>: how importance was scored and what was removed, or null.</summary>
    public PruneMethodRecord? Method { get; init; }
    /// <summary><c>targets</c>: the shares asked to be kept, or null.</summary>
    public PruneTargetsRecord? Targets { get; init; }
    /// <summary>
    /// <c>pruned_heads</c>: a copy of the pruned config.json's own field (layer index to original head indices). Kept as
    /// JSON: its layout is config.json's (Hugging Face's), owned by the config writer, not by this record.
    /// </summary>
    public JsonObject? PrunedHeads { get; init; }
    /// <summary><c>intermediate_size</c>: FFN neurons per layer before and after (every layer keeps the same number).</summary>
    public required PruneSizeRecord IntermediateSize { get; init; }
    /// <summary><c>transformers_loadable</c>: whether Hugging Face transformers loads the checkpoint as it is, or null.</summary>
    public bool? TransformersLoadable { get; init; }
    /// <summary><c>layers</c>: one entry per encoder layer.</summary>
    public required IReadOnlyList<PruneLayerRecord> Layers { get; init; }
    /// <summary><c>parameters</c>: parameter counts before and after.</summary>
    public required PruneParametersRecord Parameters { get; init; }
    /// <summary><c>recovery</c>: the distillation that followed removal, or null when there was none.</summary>
    public PruneRecoveryRecord? Recovery { get; init; }
    /// <summary><c>steps</c>: one entry per pruning step, or null in files written before steps existed.</summary>
    public IReadOnlyList<PruneStepRecord>? Steps { get; init; }
    /// <summary><c>guard</c>: the accuracy guard's verdict and checks.</summary>
    public required PruneGuardRecord Guard { get; init; }
    /// <summary><c>timings_seconds</c>: wall time of each phase, or null.</summary>
    public PruneTimingsRecord? TimingsSeconds { get; init; }
}
