using System.Text.Json.Nodes;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>What a training.json said, as bench.json carries it (read strictly by <see cref="Inspection.TrainingRecordReader"/>).</summary>
public sealed record TrainingSummary
{
    /// <summary>The training.json read.</summary>
    public required string SourcePath { get; init; }
    /// <summary><c>trainableParameters</c>, or null when the record does not say.</summary>
    public long? TrainableParameters { get; init; }
    /// <summary><c>trainingSeconds</c>, or null when the record does not say.</summary>
    public double? TrainingSeconds { get; init; }
    /// <summary><c>hyperparameters</c> as the record reads them (fields the file lacks are null); null only in bench.json files that had none.</summary>
    public JsonNode? Hyperparameters { get; init; }
    /// <summary><c>epochs</c>: one record per epoch, empty when absent. Settable, not init-only: the source generator fills init-only properties through the constructor, which drops this default when the field is missing.</summary>
    public IReadOnlyList<EpochSummary> Epochs { get; set; } = [];
    /// <summary><c>test</c>: the trainer's own test metrics, or null.</summary>
    public JsonNode? Test { get; init; }
}
