using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// The pieces of training.json (<see cref="TrainingRecord"/>) that come from the run's options and its stage: one home,
/// so the record and the resume check (<see cref="ResumeRecord"/>) describe the same hyperparameters.
/// </summary>
internal static class TrainingRecords
{
    /// <summary>training.json's <c>hyperparameters</c> for <paramref name="o"/>.</summary>
    public static TrainingHyperparametersRecord Hyperparameters(TrainingRunOptions o) => new()
    {
        LearningRate = o.LearningRate, BatchSize = o.BatchSize, EvalBatchSize = o.EvalBatchSize, Epochs = o.Epochs, MaxLength = o.MaxLength,
        WarmupRatio = o.WarmupRatio, WeightDecay = o.WeightDecay, MaxGradNorm = o.MaxGradNorm, ClassWeighting = o.ClassWeighting.ToString(),
        Seed = o.Seed, EarlyStoppingPatience = o.EarlyStoppingPatience, Attention = o.Compute.AttentionName, Precision = o.Compute.PrecisionName, Dropout = o.Compute.DropoutName,
        FreezeEmbeddings = o.FreezeEmbeddings,
        Optimizer = "AdamW(beta1=0.9, beta2=0.999, eps=1e-8; no decay on bias/LayerNorm; flat buffers, FlatAdamW)",
        Schedule = "linear warmup then linear decay to 0",
        AutomaticChoices = o.AutomaticChoices,
    };

    /// <summary>The stage-specific sections of a job (<see cref="TrainingJob.Extra"/>) as training.json carries them.</summary>
    public static Dictionary<string, JsonElement> StageSections(JsonObject extra) =>
        extra.ToDictionary(kv => kv.Key, kv => JsonElement.Parse(kv.Value?.ToJsonString() ?? "null"));

    /// <summary><paramref name="hyperparameters"/> as JSON, by field name: what the resume check compares.</summary>
    public static JsonObject ToJson(TrainingHyperparametersRecord hyperparameters) =>
        (JsonObject)JsonSerializer.SerializeToNode(hyperparameters, ArtifactRecordJsonContext.Default.TrainingHyperparametersRecord)!;
}
