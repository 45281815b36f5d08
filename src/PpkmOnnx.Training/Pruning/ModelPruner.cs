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
/// </summary>
public static class ModelPruner
{
    /// <summary>Runs the pruning.</summary>
    /// <param name="options">Targets and recovery settings; <c>Training.ModelPath</c> is the source checkpoint.</param>
    /// <param name="data">The splits; importance uses only <see cref="DatasetSplit.Train"/>.</param>
    /// <param name="scoring">Receives (rows scored, rows in all); may be null.</param>
    /// <param name="recovery">Receives the recovery's per-step and per-epoch reports; may be null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <exception cref="UserInputException">Bad options, too few training rows, labels that differ from the model's.</exception>
    public static PruneResult Run(PruneRunOptions options, DatasetSplit data, IProgress<(int Done, int Total)>? scoring = null,
        IProgress<TrainingProgress>? recovery = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        data.Validate();
        var training = options.Training with { Epochs = Math.Max(1, options.RecoveryEpochs) };
        if (data.Train.Rows.Count < PruneRunOptions.MinimumScoringRows)
            throw new UserInputException($"importance scoring needs at least {PruneRunOptions.MinimumScoringRows} training rows, but the train split has {data.Train.Rows.Count}; bring more data.");
        var device = SequenceClassifierTrainer.Prepare(training);
        using var source = CheckpointLoader.Load(training.ModelPath);
        var config = source.Model.Config;
        if (!config.Labels.SequenceEqual(data.LabelNames))
            throw new UserInputException($"{training.ModelPath}: the model's labels [{string.Join(", ", config.Labels)}] differ from the data's [{string.Join(", ", data.LabelNames)}] (prune a checkpoint fine-tuned on these classes).");
        // Check the targets before the expensive part.
        PruningPlan.HeadTarget(config, options.HeadsKeep);
        PruningPlan.NeuronTarget(config, options.FfnKeep);
        var tokenizer = BertWordPieceTokenizer.FromFolder(training.ModelPath);
        source.Model.to(device);

        var clock = Stopwatch.StartNew();
        var rows = ScoringRows(data.Train.Rows, options.ImportanceRows, training.Seed);
        var scores = ImportanceScorer.Compute(source.Model, rows, tokenizer, training.MaxLength, training.EvalBatchSize, scoring, cancellationToken);
        var scoringTime = clock.Elapsed;

        clock.Restart();
        var plan = PruningPlan.Choose(config, scores, options.HeadsKeep, options.FfnKeep);
        using var pruned = StructuredPruner.Apply(source.Model, plan);
        var removalTime = clock.Elapsed;

        clock.Restart();
        TrainingResult? recovered = null;
        if (options.RecoveryEpochs > 0)
        {
            pruned.to(device);
            source.Model.eval();
            recovered = TrainingLoop.Run(RecoveryJob(options, training, data, source.Model, pruned, tokenizer, device, plan), recovery, cancellationToken);
        }
        else
        {
            ModelCheckpoint.Save(pruned, training.OutputPath, training.ModelPath);
        }
        return new PruneResult
        {
            OutputPath = Path.GetFullPath(training.OutputPath), Source = config, Pruned = pruned.Config, Plan = plan, Scores = scores,
            ParametersBefore = source.Model.TrainableParameterCount(), ParametersAfter = pruned.TrainableParameterCount(), Recovery = recovered,
            ScoringTime = scoringTime, RemovalTime = removalTime, RecoveryTime = clock.Elapsed,
        };
    }

    /// <summary>A seeded sample of <paramref name="count"/> training rows (all of them when 0 or when there are fewer).</summary>
    private static IReadOnlyList<LabelledText> ScoringRows(IReadOnlyList<LabelledText> train, int count, int seed)
    {
        if (count == 0 || count >= train.Count) return train;
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        return order.Take(count).Order().Select(i => train[i]).ToArray();
    }

    private static TrainingJob RecoveryJob(PruneRunOptions options, TrainingRunOptions training, DatasetSplit data, SequenceClassifier teacher,
        SequenceClassifier student, BertWordPieceTokenizer tokenizer, TorchSharp.torch.Device device, PruningPlan plan)
    {
        double temperature = options.Temperature, alpha = options.Alpha;
        return new TrainingJob
        {
            Stage = "prune", Options = training, Data = data, Model = student, Device = device, Tokenizer = tokenizer,
            TokenizerFolder = training.ModelPath, NewlyInitialized = Array.Empty<string>(),
            Loss = (logits, labels, ids, mask, types, weights) =>
            {
                TorchSharp.torch.Tensor teacherLogits;
                using (torch.no_grad()) teacherLogits = teacher.Forward(ids, mask, types);
                return DistillationLoss.Compute(logits, teacherLogits, labels, temperature, alpha, weights);
            },
            Extra = new JsonObject
            {
                ["teacher"] = Path.GetFullPath(training.ModelPath),
                ["distillation"] = new JsonObject { ["temperature"] = temperature, ["alpha"] = alpha },
                ["pruning"] = new JsonObject
                {
                    ["heads_keep"] = options.HeadsKeep, ["ffn_keep"] = options.FfnKeep,
                    ["heads_removed"] = plan.HeadsRemoved.Sum(h => h.Length),
                },
            },
        };
    }
}
