using System.Text.Json.Nodes;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>What a training.json said (every field optional: the file is read leniently).</summary>
public sealed record TrainingSummary
{
    /// <summary>The training.json read.</summary>
    public required string SourcePath { get; init; }
    /// <summary><c>trainableParameters</c>, or null.</summary>
    public long? TrainableParameters { get; init; }
    /// <summary><c>trainingSeconds</c>, or null.</summary>
    public double? TrainingSeconds { get; init; }
    /// <summary><c>hyperparameters</c> as written, or null.</summary>
    public JsonNode? Hyperparameters { get; init; }
    /// <summary><c>epochs</c>: one record per epoch, empty when absent.</summary>
    public IReadOnlyList<EpochRecord> Epochs { get; init; } = [];
    /// <summary><c>test</c> as written (the trainer's own test metrics), or null.</summary>
    public JsonNode? Test { get; init; }
}
