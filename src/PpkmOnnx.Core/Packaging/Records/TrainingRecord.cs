using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// training.json: what a training run (train, distill, prune's recovery) did, rewritten after every epoch. Required:
/// what every ppkm training.json has carried and its readers need (<c>stage</c>, <c>status</c>, <c>hyperparameters</c>,
/// <c>epochs</c>); the rest is optional so hand-made and older files still read, but a field that is there must have its type.
/// </summary>
public sealed record TrainingRecord : ArtifactRecord
{
    /// <summary><c>stage</c>: train, distill, prune, ….</summary>
    public required string Stage { get; init; }
    /// <summary><c>status</c>: running, diverged or completed.</summary>
    public required string Status { get; init; }
    /// <summary><c>model</c>: the model trained from, as a full path.</summary>
    public string? Model { get; init; }
    /// <summary><c>architecture</c>: Bert or DistilBert.</summary>
    public string? Architecture { get; init; }
    /// <summary><c>labels</c>: class names by id.</summary>
    public IReadOnlyList<string>? Labels { get; init; }
    /// <summary><c>hyperparameters</c>.</summary>
    public required TrainingHyperparametersRecord Hyperparameters { get; init; }
    /// <summary><c>data</c>: the data trained on.</summary>
    public TrainingDataRecord? Data { get; init; }
    /// <summary><c>device</c>: cpu or cuda.</summary>
    public string? Device { get; init; }
    /// <summary><c>threads</c>: libtorch intra-op threads.</summary>
    public int? Threads { get; init; }
    /// <summary><c>trainable_parameters</c>.</summary>
    public long? TrainableParameters { get; init; }
    /// <summary><c>newly_initialized</c>: weights the starting model lacked (a new classifier head).</summary>
    public IReadOnlyList<string>? NewlyInitialized { get; init; }
    /// <summary><c>epochs</c>: one record per epoch behind the kept weights.</summary>
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }
    /// <summary><c>best_epoch</c>: the epoch whose weights were kept (0 before the first epoch ends).</summary>
    public int? BestEpoch { get; init; }
    /// <summary><c>stopped_early</c>: whether early stopping ended the run.</summary>
    public bool? StoppedEarly { get; init; }
    /// <summary><c>test</c>: the kept weights scored on the test split, or null (not yet, or no test split).</summary>
    public ClassificationMetrics? Test { get; init; }
    /// <summary><c>wall_seconds</c>: wall time of the run so far.</summary>
    public double? WallSeconds { get; init; }
    /// <summary>
    /// <c>performance</c>: the training throughput record, or null in files written before it existed. Kept as JSON: its
    /// shape belongs to the Training project's throughput meter, and typing it here would move that meter's fields into Core.
    /// </summary>
    public JsonObject? Performance { get; init; }
    /// <summary>
    /// Stage-specific sections after the common ones (<c>teacher</c> and <c>distillation</c> from distill, <c>pruning</c>
    /// from prune's recovery, <c>resume</c> from a resumed run). Kept as JSON: each stage owns its section, and typing
    /// them all in Core would be churn for fields no reader in ppkm interprets. Settable, not init-only: the source
    /// generator fills init-only properties through the constructor, which extension data cannot bind to; JSON elements,
    /// not a JsonObject: the source generator writes a JsonObject extension as one nested object instead of its fields.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? StageSections { get; set; }
}
