using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Training.Pruning;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary><c>prune.json</c> (method, what each layer lost, parameter counts, guard, timings) and the console summary of a pruning run.</summary>
internal static class PruneReport
{
    /// <summary>Writes prune.json (<see cref="PruneFileRecord"/>) to <paramref name="path"/>.</summary>
    public static void Write(string path, PruneRunOptions options, PruneResult r, PruneGuardOutcome guard, bool force, string destination) =>
        ArtifactJson.Write(path, ToRecord(options, r, guard, force, destination), ArtifactRecordJsonContext.Default.PruneFileRecord);

    /// <summary>The prune.json record of a run.</summary>
    public static PruneFileRecord ToRecord(PruneRunOptions options, PruneResult r, PruneGuardOutcome guard, bool force, string destination) => new()
    {
        Source = Path.GetFullPath(options.Training.ModelPath),
        Output = destination,
        CreatedUtc = DateTime.UtcNow.ToString("o"),
        Architecture = r.Source.Architecture.ToString(),
        Method = new PruneMethodRecord
        {
            Importance = ImportanceScorer.Method,
            ImportanceRows = r.Scores.Rows,
            Selection = "heads: fewest layer-normalised importance removed model-wide, each layer keeps its best head; FFN: the same number of neurons kept in every layer, by importance",
            Removal = "physical: Q/K/V rows and attention-output columns of a head, FFN first-linear rows and second-linear columns of a neuron",
            Recovery = options.RecoveryEpochs == 0 ? "none" : $"{(r.Steps.Count > 1 ? $"after each of {r.Steps.Count} steps, " : "")}{options.RecoveryEpochs} epoch(s) of knowledge distillation from the unpruned model (T={options.Temperature}, alpha={options.Alpha}, lr={options.Training.LearningRate})",
        },
        Targets = new PruneTargetsRecord(options.HeadsKeep, options.FfnKeep),
        PrunedHeads = r.Pruned.ToJson()["pruned_heads"]?.DeepClone() as JsonObject ?? new JsonObject(),
        IntermediateSize = new PruneSizeRecord(r.Source.IntermediateSize, r.Pruned.IntermediateSize),
        // One intermediate size for all layers and pruned_heads in config.json: BertForSequenceClassification.from_pretrained loads it as it is.
        TransformersLoadable = true,
        Layers = Enumerable.Range(0, r.Source.NumHiddenLayers).Select(l => new PruneLayerRecord
        {
            Layer = l,
            HeadsBefore = r.Source.RemainingHeads(l).Count,
            HeadsAfter = r.Pruned.HeadsInLayer(l),
            HeadsRemoved = r.Plan.OriginalHeadsRemoved(r.Source)[l].ToList(), // original indices, as in pruned_heads
            HeadImportance = r.Scores.Heads[l].Select(s => Math.Round(s, 6)).ToList(),
            FfnBefore = r.Source.IntermediateSize,
            FfnAfter = r.Pruned.IntermediateSize,
        }).ToList(),
        Parameters = new PruneParametersRecord
        {
            Before = r.ParametersBefore, After = r.ParametersAfter, Kept = Math.Round((double)r.ParametersAfter / r.ParametersBefore, 4),
        },
        Recovery = r.Recovery is null ? null : new PruneRecoveryRecord
        {
            Epochs = r.Recovery.Epochs.Count, BestEpoch = r.Recovery.BestEpoch,
            ValidationMacroF1 = r.Recovery.BestValidation.MacroF1, TestMacroF1 = r.Recovery.Test?.MacroF1,
        },
        Steps = r.Steps.Select(StepRecord).ToList(),
        Guard = new PruneGuardRecord
        {
            MaxDrop = guard.MaxDrop,
            Status = guard.FailureReason is null ? "accepted" : force ? "forced" : "rejected",
            Checks = guard.Checks.Select(AccuracyGuard.ToPruneRecord).ToList(),
            Failure = guard.FailureReason,
        },
        TimingsSeconds = new PruneTimingsRecord
        {
            Importance = Seconds(r.ScoringTime), Removal = Seconds(r.RemovalTime), Recovery = Seconds(r.RecoveryTime), Guard = Seconds(guard.Time),
        },
    };

    /// <summary>One step: what it removed (original head indices), the sizes and parameters it left, its recovery and timings.</summary>
    private static PruneStepRecord StepRecord(PruneStep s) => new()
    {
        Step = s.Number,
        HeadsBefore = PruneSchedule.TotalHeads(s.Before),
        HeadsAfter = PruneSchedule.TotalHeads(s.After),
        HeadsRemoved = s.OriginalHeadsRemoved.Select(h => (IReadOnlyList<int>)h.ToList()).ToList(), // per layer, original indices
        FfnBefore = s.Before.IntermediateSize,
        FfnAfter = s.After.IntermediateSize,
        ParametersAfter = s.ParametersAfter,
        ImportanceRows = s.Scores.Rows,
        RecoveryValidationMacroF1 = s.Recovery?.BestValidation.MacroF1,
        TimingsSeconds = new PruneTimingsRecord { Importance = Seconds(s.ScoringTime), Removal = Seconds(s.RemovalTime), Recovery = Seconds(s.RecoveryTime) },
    };

    /// <summary>The console summary: what each layer and step lost, the parameters and the guard.</summary>
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

    private static double Seconds(TimeSpan t) => Math.Round(t.TotalSeconds, 3);
}
