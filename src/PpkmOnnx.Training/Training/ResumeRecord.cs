using System.Text.Json.Nodes;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Training.Models;

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
        var now = TrainingRecords.ToJson(TrainingRecords.Hyperparameters(options));
        var before = PreviousHyperparameters(Path.Combine(output, TrainingLoop.TrainingJsonFile));
        var changed = new JsonObject();
        if (before is not null)
            foreach (var name in Compared)
            {
                // Runs recorded before a compute choice existed made the default one.
                var old = before[name] ?? (DefaultsOfOlderRecords.TryGetValue(name, out var d) ? JsonValue.Create(d) : null);
                var value = now[name];
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

    // The hyperparameters that change what the epochs compute (not the descriptions, nor eval_batch_size, which only batches scoring).
    private static readonly string[] Compared =
    [
        "learning_rate", "batch_size", "epochs", "max_length", "warmup_ratio", "weight_decay", "max_grad_norm", "class_weighting", "seed",
        "early_stopping_patience", "attention", "precision", "dropout",
    ];

    // What a record written before each compute choice existed ran with.
    private static readonly Dictionary<string, string> DefaultsOfOlderRecords = new()
    {
        ["attention"] = ModelComputeOptions.Default.AttentionName,
        ["precision"] = ModelComputeOptions.Default.PrecisionName,
        ["dropout"] = ModelComputeOptions.Default.DropoutName,
    };

    // The interrupted run's hyperparameters, read strictly: a resume point beside a damaged record is an error, not "unknown".
    private static JsonObject? PreviousHyperparameters(string trainingJson) =>
        File.Exists(trainingJson) ? TrainingRecords.ToJson(ModelPackage.ReadTrainingRecord(trainingJson).Hyperparameters) : null;
}
