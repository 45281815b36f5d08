using System.CommandLine;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Pruning;
using PpkmOnnx.Training.Training;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary>
/// <c>ppkm prune CHECKPOINT --data FILE --heads-keep F --ffn-keep F [--steps N] -o DIR</c>: structured pruning of attention heads
/// and FFN neurons with recovery distillation, in one shot or N steps, behind the same accuracy guard as <c>ppkm quantize</c>.
/// </summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "Fine-tuned BERT or DistilBERT checkpoint folder (from ppkm train/distill/prune, or a Hugging Face folder)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the pruned checkpoint (Hugging Face format, pruned_heads in config.json), training.json and prune.json.", Required = true };
        var headsKeep = new Option<double>("--heads-keep") { Description = "Fraction of the attention heads to keep, in (0, 1], chosen model-wide by importance; every layer keeps at least one.", DefaultValueFactory = _ => 1.0 }.InRange(0.001, 1.0);
        var ffnKeep = new Option<double>("--ffn-keep") { Description = "Fraction of each layer's FFN neurons to keep, in (0, 1] (one intermediate size for all layers).", DefaultValueFactory = _ => 1.0 }.InRange(0.001, 1.0);
        var recoveryEpochs = new Option<int>("--recovery-epochs") { Description = "Epochs of recovery fine-tuning with distillation from the unpruned model (0: none).", DefaultValueFactory = _ => 1 }.InRange(0, 1000);
        var steps = new Option<int>("--steps") { Description = "Prune in N steps, each scoring importance on the current model, removing and recovering (--recovery-epochs, distilled from the unpruned model); after step i the model keeps round(H0*heads-keep^(i/N)) heads and round(F0*ffn-keep^(i/N)) neurons per layer, the last step exactly the one-shot targets. 1 to 10; 1: one shot.", DefaultValueFactory = _ => 1 }.InRange(1, PruneSchedule.MaxSteps);
        var importanceRows = new Option<int>("--importance-rows") { Description = "Training rows the importance is scored on (a seeded sample; 0: all).", DefaultValueFactory = _ => 1024 }.InRange(0, 10_000_000);
        var lr = new Option<double>("--lr", "--learning-rate") { Description = "Peak learning rate of the recovery.", DefaultValueFactory = _ => 5e-5 }.InRange(1e-9, 1.0);
        var batchSize = new Option<int>("--batch-size") { Description = "Recovery batch size.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var maxLength = ModelMaxLength.Create(2, 8192);
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature of the recovery's soft targets.", DefaultValueFactory = _ => 2.0 }.InRange(0.01, 100.0);
        var alpha = new Option<double>("--alpha") { Description = "Weight of the soft-target KL term (1 - alpha on the hard labels).", DefaultValueFactory = _ => 0.5 }.InRange(0.0, 1.0);
        var device = new Option<string>("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for torch (0: torch's default)." }.InRange(0, OptionRules.MaxThreads);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest macro-F1 drop vs the unpruned model accepted on validation and test, in points.", DefaultValueFactory = _ => 1.0 }.InRange(0.0, 100.0);
        var force = new Option<bool>("--force") { Description = "Keep the pruned model even when it fails the accuracy guard." };
        var data = DataOptions.Create();
        var command = new Command("prune", "Remove the least important attention heads and FFN neurons (gradient importance on training tweets), recover with distillation from the unpruned model (in one shot, or in --steps rounds of scoring, removal and recovery), and keep the result only if validation and test macro-F1 stay within --max-drop.");
        command.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { output, headsKeep, ffnKeep, recoveryEpochs, steps, importanceRows, lr, batchSize, maxLength, temperature, alpha, device, threads, maxDrop, force })
            command.Options.Add(o);
        data.Add(command);
        command.SetAction((p, ct) =>
        {
            var console = CliConsole.For(p);
            var source = p.GetValue(checkpoint)!;
            CheckpointLoader.CheckFolder(source, ModelMaxLength.Typed(p, maxLength));
            var destination = p.GetValue(output)!;
            OutputOverlap.CheckFolderOfFiles(destination, [source, .. data.InputPaths(p)]);
            if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
                throw new UserInputException($"{Path.GetFullPath(destination)}: folder exists and is not empty; choose another --output.");
            double allowed = p.GetValue(maxDrop);
            if (!(allowed >= 0)) throw new UserInputException($"--max-drop must be ≥ 0 points, got {allowed}.");
            var options = new PruneRunOptions
            {
                Training = new TrainingRunOptions
                {
                    ModelPath = source, OutputPath = destination, LearningRate = p.GetValue(lr), BatchSize = p.GetValue(batchSize),
                    MaxLength = ModelMaxLength.Resolve(p, maxLength, source), Device = p.GetValue(device)!, Threads = p.GetValue(threads), Seed = p.GetValue(data.Seed),
                    Epochs = Math.Max(1, p.GetValue(recoveryEpochs)),
                },
                HeadsKeep = p.GetValue(headsKeep), FfnKeep = p.GetValue(ffnKeep), RecoveryEpochs = p.GetValue(recoveryEpochs), Steps = p.GetValue(steps),
                ImportanceRows = p.GetValue(importanceRows), Temperature = p.GetValue(temperature), Alpha = p.GetValue(alpha),
            };
            options.Validate();
            var prepared = PreparedData.Prepare(data.ToLoadOptions(p));
            DataSummary.Write(console, prepared);
            console.MarkupLine(Markup.Escape($"Pruning {source}: keep {options.HeadsKeep:0.###} of the heads and {options.FfnKeep:0.###} of the FFN neurons; {(options.Steps > 1 ? $"{options.Steps} steps, each with " : "")}{options.RecoveryEpochs} recovery epoch(s); guard: macro-F1 drop ≤ {allowed:0.##} points."));
            return Task.FromResult(Run(console, p, options, prepared.Split, allowed / 100.0, p.GetValue(force), ct));
        });
        return command;
    }

    private static int Run(IAnsiConsole console, ParseResult p, PruneRunOptions options, DatasetSplit split, double maxDrop, bool force, CancellationToken ct)
    {
        // Everything is written into a staging folder that only an accepted (or forced) result is renamed from,
        // so a refusal, an error or Ctrl-C leaves nothing at --output.
        using var staging = StagingFolder.Begin(options.Training.OutputPath, overwrite: false);
        using var interrupt = new InterruptScope(ct);
        var staged = options with { Training = options.Training with { OutputPath = staging.Path } };
        var result = CliProgress.Run(console, progress => ModelPruner.Run(staged, split,
            new SyncProgress<(int Done, int Total)>(s => progress.Report("importance", s.Done, s.Total, "rows")),
            new SyncProgress<TrainingProgress>(t => ReportRecovery(progress, t)), interrupt.Token));
        var guard = PruneGuard.Check(options.Training.ModelPath, staging.Path, split, options.Training.MaxLength, maxDrop);
        PruneReport.Write(staging.Combine(PruneFileRecord.FileName), options, result, guard, force, destination: staging.Destination);
        PruneReport.Print(console, result, guard);
        if (guard.FailureReason is { } failure && !force)
        {
            p.InvocationConfiguration.Error.WriteLine($"ppkm: error: {failure}. The pruned model was not kept (pass --force to keep it anyway, or keep more heads/neurons).");
            return 1;
        }
        staging.Commit();
        console.MarkupLine(Markup.Escape($"{(guard.FailureReason is null ? "Accepted" : "Kept with --force despite the guard")}: wrote {staging.Destination} (checkpoint, {PruneFileRecord.FileName})."));
        return 0;
    }

    private static void ReportRecovery(CliProgress progress, TrainingProgress t)
    {
        if (t.Phase == TrainingPhase.Teacher)
        {
            progress.Report("teacher", t.Step, t.StepsPerEpoch, "scoring the training rows with the unpruned model once (every recovery epoch reuses them)");
            return;
        }
        if (t.Phase != TrainingPhase.Train)
        {
            progress.Note($"recovery epoch {t.Epoch}/{t.Epochs}", t.Phase == TrainingPhase.Test ? "scoring the test split" : "scoring the validation split");
            return;
        }
        var eta = t.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "?";
        progress.Report($"recovery epoch {t.Epoch}/{t.Epochs}", t.Step, t.StepsPerEpoch, $"loss {t.Loss:0.000} {t.StepsPerSecond:0.00} steps/s ETA {eta}");
    }
}
