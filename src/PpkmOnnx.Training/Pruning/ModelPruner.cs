using PpkmOnnx.Core;
using System.Diagnostics;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Distillation;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Pruning;

/// <summary>
/// Structured pruning of a fine-tuned classifier: importance on training rows (<see cref="ImportanceScorer"/>), a plan
/// (<see cref="PruningPlan"/>), physical removal (<see cref="StructuredPruner"/>), then recovery fine-tuning with
/// knowledge distillation from the unpruned model (<see cref="DistillationLoss"/>, as <c>ppkm distill</c>). Writes a
/// Hugging Face checkpoint (plus training.json when recovering) into the output folder; the accuracy guard is the caller's.
/// With several steps each step scores the model the previous one left and removes down to <see cref="PruneSchedule"/>'s
/// counts; every recovery distils from the unpruned source, and only the last writes the output folder.
/// </summary>
public static class ModelPruner
{
    /// <summary>Subfolder of the output the recoveries of all but the last step write to; deleted before the run returns.</summary>
    public const string StepsFolder = ".prune-steps";

    /// <summary>Runs the pruning: <see cref="PruneRunOptions.Steps"/> rounds of importance, removal and recovery.</summary>
    /// <param name="options">Targets and recovery settings; <c>Training.ModelPath</c> is the source checkpoint.</param>
    /// <param name="data">The splits; importance uses only <see cref="DatasetSplit.Train"/>.</param>
    /// <param name="scoring">Receives (rows scored, rows in all), once per step; may be null.</param>
    /// <param name="recovery">Receives the recoveries' per-step and per-epoch reports; may be null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="UserInputException">Bad options, too few training rows, labels that differ from the model's.</exception>
    public static PruneResult Run(PruneRunOptions options, DatasetSplit data, IProgress<(int Done, int Total)>? scoring = null,
        IProgress<TrainingProgress>? recovery = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        data.Validate();
        var training = options.Training with { Epochs = Math.Max(1, options.RecoveryEpochs) };
        CheckpointLoader.CheckFolder(training.ModelPath);
        if (data.Train.Rows.Count < PruneRunOptions.MinimumScoringRows)
            throw new UserInputException($"importance scoring needs at least {PruneRunOptions.MinimumScoringRows} training rows, but the train split has {data.Train.Rows.Count}; bring more data.");
        var device = SequenceClassifierTrainer.Prepare(training);
        using var source = CheckpointLoader.Load(training.ModelPath);
        var config = source.Model.Config;
        if (!config.Labels.SequenceEqual(data.LabelNames))
            throw new UserInputException($"{training.ModelPath}: the model's labels [{string.Join(", ", config.Labels)}] differ from the data's [{string.Join(", ", data.LabelNames)}] (prune a checkpoint fine-tuned on these classes).");
        // Checks the targets before the expensive part.
        var targets = PruneSchedule.Targets(config, options.HeadsKeep, options.FfnKeep, options.Steps);
        var tokenizer = BertWordPieceTokenizer.FromFolder(training.ModelPath);
        source.Model.to(device);
        source.Model.eval();
        var run = new StepContext(options, training, data, source.Model, tokenizer, device,
            ScoringRows(data.Train.Rows, options.ImportanceRows, training.Seed), scoring, recovery, cancellationToken);

        var scratch = Path.Combine(Path.GetFullPath(training.OutputPath), StepsFolder);
        var steps = new List<PruneStep>();
        var current = source.Model;
        try
        {
            for (int i = 1; i <= targets.Count; i++)
            {
                bool last = i == targets.Count;
                var output = last ? training.OutputPath : Path.Combine(scratch, $"step-{i}");
                var (step, next) = RunStep(run, i, targets[i - 1], current, output, last);
                if (!ReferenceEquals(current, source.Model)) current.Dispose();
                current = next;
                steps.Add(step);
                // The step's model lives on in memory; its recovery folder is not needed any more.
                if (!last && Directory.Exists(output)) Directory.Delete(output, recursive: true);
            }
            return new PruneResult
            {
                OutputPath = Path.GetFullPath(training.OutputPath), Source = config, Pruned = current.Config,
                Plan = steps.Skip(1).Aggregate(steps[0].Plan, (plan, step) => plan.Then(config, step.Plan)), Scores = steps[0].Scores,
                ParametersBefore = source.Model.TrainableParameterCount(), ParametersAfter = current.TrainableParameterCount(), Recovery = steps[^1].Recovery,
                ScoringTime = Sum(steps, s => s.ScoringTime), RemovalTime = Sum(steps, s => s.RemovalTime), RecoveryTime = Sum(steps, s => s.RecoveryTime),
                Steps = steps,
            };
        }
        finally
        {
            if (!ReferenceEquals(current, source.Model)) current.Dispose();
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>What every step shares: options, data, the unpruned teacher, the scoring rows, progress and cancellation.</summary>
    private sealed record StepContext(PruneRunOptions Options, TrainingRunOptions Training, DatasetSplit Data, SequenceClassifier Teacher,
        BertWordPieceTokenizer Tokenizer, torch.Device Device, IReadOnlyList<LabelledText> Rows, IProgress<(int Done, int Total)>? Scoring,
        IProgress<TrainingProgress>? Recovery, CancellationToken Cancellation)
    {
        /// <summary>The unpruned source's logits for the train split, shared by every step's recovery (the source does not change).</summary>
        public TeacherLogits TeacherLogits { get; } = new(Teacher);
    }

    /// <summary>
    /// One step on <paramref name="model"/> (left as it is): importance, removal down to <paramref name="target"/>, recovery
    /// into <paramref name="output"/>; the final step without recovery saves the checkpoint there. Returns the new model (on the device).
    /// </summary>
    private static (PruneStep Step, SequenceClassifier Model) RunStep(StepContext run, int number, StepTarget target, SequenceClassifier model, string output, bool final)
    {
        var clock = Stopwatch.StartNew();
        var scores = ImportanceScorer.Compute(model, run.Rows, run.Tokenizer, run.Training.MaxLength, run.Training.EvalBatchSize, run.Scoring, run.Cancellation);
        var scoringTime = clock.Elapsed;

        clock.Restart();
        var (headsKeep, ffnKeep) = PruneSchedule.Fractions(model.Config, target);
        var plan = PruningPlan.Choose(model.Config, scores, headsKeep, ffnKeep);
        var pruned = StructuredPruner.Apply(model, plan);
        var removalTime = clock.Elapsed;
        try
        {
            clock.Restart();
            pruned.to(run.Device);
            TrainingResult? recovered = null;
            if (run.Options.RecoveryEpochs > 0)
                recovered = TrainingLoop.Run(RecoveryJob(run, pruned, number, output), run.Recovery, run.Cancellation);
            else if (final)
                ModelCheckpoint.Save(pruned, output, run.Training.ModelPath);
            var step = new PruneStep
            {
                Number = number, Before = model.Config, After = pruned.Config, Plan = plan, Scores = scores,
                ParametersAfter = pruned.TrainableParameterCount(), Recovery = recovered,
                ScoringTime = scoringTime, RemovalTime = removalTime, RecoveryTime = clock.Elapsed,
            };
            return (step, pruned);
        }
        catch
        {
            pruned.Dispose();
            throw;
        }
    }

    private static TimeSpan Sum(IEnumerable<PruneStep> steps, Func<PruneStep, TimeSpan> time) => steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + time(s));

    /// <summary>A seeded sample of <paramref name="count"/> training rows (all of them when 0 or when there are fewer).</summary>
    private static IReadOnlyList<LabelledText> ScoringRows(IReadOnlyList<LabelledText> train, int count, int seed)
    {
        if (count == 0 || count >= train.Count) return train;
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        return order.Take(count).Order().Select(i => train[i]).ToArray();
    }

    /// <summary>Recovery of step <paramref name="number"/>: distillation from the unpruned source into <paramref name="student"/>, written to <paramref name="output"/>.</summary>
    private static TrainingJob RecoveryJob(StepContext run, SequenceClassifier student, int number, string output)
    {
        var (options, teacher) = (run.Options, run.Teacher);
        var training = run.Training with { OutputPath = output };
        double temperature = options.Temperature, alpha = options.Alpha;
        var pruning = new JsonObject
        {
            ["heads_keep"] = options.HeadsKeep, ["ffn_keep"] = options.FfnKeep,
            ["heads_removed"] = PruneSchedule.TotalHeads(teacher.Config) - PruneSchedule.TotalHeads(student.Config),
        };
        if (options.Steps > 1)
        {
            pruning["step"] = number;
            pruning["steps"] = options.Steps;
        }
        return new TrainingJob
        {
            Stage = "prune", Options = training, Data = run.Data, Model = student, Device = run.Device, Tokenizer = run.Tokenizer,
            TokenizerFolder = training.ModelPath, NewlyInitialized = Array.Empty<string>(),
            Teacher = run.TeacherLogits,
            Loss = run.TeacherLogits.Loss(temperature, alpha),
            Extra = new JsonObject
            {
                ["teacher"] = Path.GetFullPath(training.ModelPath),
                ["distillation"] = new JsonObject { ["temperature"] = temperature, ["alpha"] = alpha },
                ["pruning"] = pruning,
            },
        };
    }
}
