using System.Text.Json;
using System.Text.Json.Nodes;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// What training.json says about a resumed run: after which epoch it picked up, and which hyperparameters differ from
/// the interrupted run's (read from the training.json that run left), so the record never claims one set of settings
/// for epochs that ran under two.
/// </summary>
internal static class ResumeRecord
{
    /// <summary>The <c>resume</c> entry for a run resumed after <paramref name="completedEpochs"/> epochs in <paramref name="output"/>.</summary>
    public static JsonObject Describe(string output, TrainingRunOptions options, int completedEpochs)
    {
        var now = new Dictionary<string, JsonNode?>
        {
            ["learning_rate"] = options.LearningRate, ["batch_size"] = options.BatchSize, ["epochs"] = options.Epochs, ["max_length"] = options.MaxLength,
            ["warmup_ratio"] = options.WarmupRatio, ["weight_decay"] = options.WeightDecay, ["max_grad_norm"] = options.MaxGradNorm,
            ["class_weighting"] = options.ClassWeighting.ToString(), ["seed"] = options.Seed, ["early_stopping_patience"] = options.EarlyStoppingPatience,
            ["attention"] = options.AttentionName,
        };
        var before = PreviousHyperparameters(Path.Combine(output, TrainingLoop.TrainingJsonFile));
        var changed = new JsonObject();
        if (before is not null)
            foreach (var (name, value) in now)
            {
                // Runs recorded before --attention existed all attended eagerly.
                var old = before[name] ?? (name == "attention" ? JsonValue.Create("eager") : null);
                if (!JsonNode.DeepEquals(old, value)) changed[name] = new JsonObject { ["before"] = old?.DeepClone(), ["now"] = value?.DeepClone() };
            }
        return new JsonObject
        {
            ["after_epoch"] = completedEpochs,
            ["previous_settings_known"] = before is not null,
            ["changed"] = changed,
            ["note"] = changed.Count == 0
                ? "every epoch ran with the hyperparameters recorded here"
                : $"epochs 1..{completedEpochs} ran with the 'before' values of 'changed', the later ones with the hyperparameters recorded here",
        };
    }

    private static JsonObject? PreviousHyperparameters(string trainingJson)
    {
        if (!File.Exists(trainingJson)) return null;
        try { return JsonNode.Parse(File.ReadAllText(trainingJson))?["hyperparameters"] as JsonObject; }
        catch (JsonException) { return null; }
    }
}
