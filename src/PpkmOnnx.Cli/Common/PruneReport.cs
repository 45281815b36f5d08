using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Training.Pruning;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary><c>prune.json</c> (method, what each layer lost, parameter counts, guard, timings) and the console summary of a pruning run.</summary>
internal static class PruneReport
{
    public const string FileName = "prune.json";

    public static void Write(string path, PruneRunOptions options, PruneResult r, PruneGuardOutcome guard, bool force, string destination)
    {
        var layers = new JsonArray();
        for (int l = 0; l < r.Source.NumHiddenLayers; l++)
        {
            var before = r.Source.RemainingHeads(l);
            layers.Add(new JsonObject
            {
                ["layer"] = l,
                ["heads_before"] = before.Count,
                ["heads_after"] = r.Pruned.HeadsInLayer(l),
                ["heads_removed"] = Ints(r.Plan.OriginalHeadsRemoved(r.Source)[l]), // original indices, as in pruned_heads
                ["head_importance"] = new JsonArray(r.Scores.Heads[l].Select(s => (JsonNode)Math.Round(s, 6)).ToArray()),
                ["ffn_before"] = r.Source.IntermediateSize,
                ["ffn_after"] = r.Pruned.IntermediateSize,
            });
        }
        var root = new JsonObject
        {
            ["source"] = Path.GetFullPath(options.Training.ModelPath),
            ["output"] = destination,
            ["created_utc"] = DateTime.UtcNow.ToString("o"),
            ["architecture"] = r.Source.Architecture.ToString(),
            ["method"] = new JsonObject
            {
                ["importance"] = ImportanceScorer.Method,
                ["importance_rows"] = r.Scores.Rows,
                ["selection"] = "heads: fewest layer-normalised importance removed model-wide, each layer keeps its best head; FFN: the same number of neurons kept in every layer, by importance",
                ["removal"] = "physical: Q/K/V rows and attention-output columns of a head, FFN first-linear rows and second-linear columns of a neuron",
                ["recovery"] = options.RecoveryEpochs == 0 ? "none" : $"{(r.Steps.Count > 1 ? $"after each of {r.Steps.Count} steps, " : "")}{options.RecoveryEpochs} epoch(s) of knowledge distillation from the unpruned model (T={options.Temperature}, alpha={options.Alpha}, lr={options.Training.LearningRate})",
            },
            ["targets"] = new JsonObject { ["heads_keep"] = options.HeadsKeep, ["ffn_keep"] = options.FfnKeep },
            ["pruned_heads"] = r.Pruned.ToJson()["pruned_heads"]?.DeepClone() ?? new JsonObject(),
            ["intermediate_size"] = new JsonObject { ["before"] = r.Source.IntermediateSize, ["after"] = r.Pruned.IntermediateSize },
            // One intermediate size for all layers and pruned_heads in config.json: BertForSequenceClassification.from_pretrained loads it as it is.
            ["transformers_loadable"] = true,
            ["layers"] = layers,
            ["parameters"] = new JsonObject
            {
                ["before"] = r.ParametersBefore, ["after"] = r.ParametersAfter,
                ["kept"] = Math.Round((double)r.ParametersAfter / r.ParametersBefore, 4),
            },
            ["recovery"] = r.Recovery is null ? null : new JsonObject
            {
                ["epochs"] = r.Recovery.Epochs.Count, ["best_epoch"] = r.Recovery.BestEpoch,
                ["validation_macro_f1"] = r.Recovery.BestValidation.MacroF1, ["test_macro_f1"] = r.Recovery.Test?.MacroF1,
            },
            ["steps"] = new JsonArray(r.Steps.Select(s => (JsonNode?)StepJson(s)).ToArray()),
            ["guard"] = new JsonObject
            {
                ["max_drop"] = guard.MaxDrop,
                ["status"] = guard.FailureReason is null ? "accepted" : force ? "forced" : "rejected",
                ["checks"] = new JsonArray(guard.Checks.Select(c => (JsonNode?)AccuracyGuard.ToJson(c, "source", "pruned")).ToArray()),
                ["failure"] = guard.FailureReason,
            },
            ["timings_seconds"] = new JsonObject
            {
                ["importance"] = Seconds(r.ScoringTime), ["removal"] = Seconds(r.RemovalTime), ["recovery"] = Seconds(r.RecoveryTime), ["guard"] = Seconds(guard.Time),
            },
        };
        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>One step: what it removed (original head indices), the sizes and parameters it left, its recovery and timings.</summary>
    private static JsonObject StepJson(PruneStep s) => new()
    {
        ["step"] = s.Number,
        ["heads_before"] = PruneSchedule.TotalHeads(s.Before),
        ["heads_after"] = PruneSchedule.TotalHeads(s.After),
        ["heads_removed"] = new JsonArray(s.OriginalHeadsRemoved.Select(h => (JsonNode?)Ints(h)).ToArray()), // per layer, original indices
        ["ffn_before"] = s.Before.IntermediateSize,
        ["ffn_after"] = s.After.IntermediateSize,
        ["parameters_after"] = s.ParametersAfter,
        ["importance_rows"] = s.Scores.Rows,
        ["recovery_validation_macro_f1"] = s.Recovery?.BestValidation.MacroF1,
        ["timings_seconds"] = new JsonObject
        {
            ["importance"] = Seconds(s.ScoringTime), ["removal"] = Seconds(s.RemovalTime), ["recovery"] = Seconds(s.RecoveryTime),
        },
    };

    public static void Print(IAnsiConsole console, PruneResult r, PruneGuardOutcome guard)
    {
        var layers = new Table().Title("Removed per layer").AddColumns("layer", "heads", "removed (original index)", "FFN neurons");
        for (int l = 0; l < r.Source.NumHiddenLayers; l++)
        {
            var before = r.Source.RemainingHeads(l);
            layers.AddRow($"{l}", $"{before.Count} -> {r.Pruned.HeadsInLayer(l)}", string.Join(",", r.Plan.OriginalHeadsRemoved(r.Source)[l]), $"{r.Source.IntermediateSize} -> {r.Pruned.IntermediateSize}");
        }
        console.Write(layers);
        if (r.Steps.Count > 1)
        {
            var steps = new Table().Title("Steps").AddColumns("step", "heads", "FFN neurons", "parameters", "recovery val macro F1", "seconds");
            foreach (var s in r.Steps)
                steps.AddRow($"{s.Number}", $"{PruneSchedule.TotalHeads(s.Before)} -> {PruneSchedule.TotalHeads(s.After)}", $"{s.Before.IntermediateSize} -> {s.After.IntermediateSize}",
                    $"{s.ParametersAfter:N0}", s.Recovery is { } rec ? $"{rec.BestValidation.MacroF1:P2}" : "-", $"{(s.ScoringTime + s.RemovalTime + s.RecoveryTime).TotalSeconds:0.0}");
            console.Write(steps);
        }
        console.MarkupLine(Markup.Escape($"Parameters {r.ParametersBefore:N0} -> {r.ParametersAfter:N0} ({(double)r.ParametersAfter / r.ParametersBefore:P1}); importance {r.ScoringTime.TotalSeconds:0.0} s on {r.Scores.Rows} training rows, recovery {r.RecoveryTime.TotalSeconds:0.0} s."));
        var table = new Table().Title("Accuracy guard: pruned vs source").AddColumns("split", "texts", "source acc", "pruned acc", "source macro F1", "pruned macro F1", "drop (points)", "agreement", "max |Δlogit|");
        foreach (var c in guard.Checks)
            table.AddRow(c.SetName, $"{c.Count}", $"{c.Fp32.Accuracy:P2}", $"{c.Variant.Accuracy:P2}", $"{c.Fp32.MacroF1:P2}", $"{c.Variant.MacroF1:P2}", $"{c.MacroF1Drop * 100:0.00}", $"{c.Agreement:P1}", $"{c.MaxAbsLogitDelta:0.0000}");
        console.Write(table);
    }

    private static JsonArray Ints(IEnumerable<int> values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);
}
