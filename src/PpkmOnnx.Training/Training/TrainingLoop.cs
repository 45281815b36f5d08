using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Training.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// The epoch loop shared by fine-tuning and distillation: AdamW with linear warmup/decay, gradient clipping,
/// length-bucketed batches, best-epoch selection on validation macro-F1, early stopping, per-epoch resume state.
/// </summary>
internal static partial class TrainingLoop
{
    public const string TrainingJsonFile = "training.json";
    public const string LogFile = "training-log.jsonl";
    public const string ResumeFolder = "resume";
    private const string ResumeFile = "resume.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    // training-log.jsonl: one EpochRecord a line, through the records' source-generated serializer.
    private static readonly JsonSerializerOptions JsonLine = new(ArtifactRecordJsonContext.Default.Options) { WriteIndented = false };

    /// <summary>
    /// Trains <paramref name="job"/>: setup (splits, optimizer, resume point), then per epoch <see cref="EpochRunner.TrainEpoch"/>
    /// and <see cref="EpochRunner.ValidateAndKeep"/>, then <see cref="EpochRunner.Finish"/> on the kept weights.
    /// </summary>
    public static TrainingResult Run(TrainingJob job, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var options = job.Options;
        var output = Path.GetFullPath(options.OutputPath);
        var claim = TrainingOutputCheck.Claim(options);
        EpochRunner? run = null;
        var state = RunState.Fresh;
        try
        {
            var plan = EpochPlan.Create(job);
            if (options.FreezeEmbeddings) job.Model.FreezeEmbeddings();
            using var optimizer = WeightDecayGroups.CreateFlatAdamW(job.Model, options.LearningRate, options.WeightDecay);
            state = StartOrResume(job, Path.Combine(output, ResumeFolder), optimizer);
            int resumedAfter = state.CompletedEpochs;
            using var classWeights = ClassWeightTensor(job, options.ClassWeighting);
            run = new EpochRunner(job, output, plan, optimizer, classWeights, clock, state.GlobalStep, progress, ct);
            run.BeginRecords(state, resumedAfter);

            run.ScoreWithTeacher(state);
            for (int epoch = state.CompletedEpochs + 1; epoch <= options.Epochs; epoch++)
            {
                if (options.EarlyStoppingPatience is { } patience && state.EpochsWithoutImprovement >= patience)
                {
                    state = state with { StoppedEarly = true };
                    break;
                }
                var epochClock = Stopwatch.StartNew();
                var (trained, lossSum, steps) = run.TrainEpoch(state, epoch);
                state = run.ValidateAndKeep(trained, epoch, lossSum, steps, epochClock);
                // The epoch's checkpoint, record and resume point are all written: the run has something of its own.
                claim.Keep();
            }
            return run.Finish(state, resumedAfter);
        }
        catch (Exception e)
        {
            // Ended before its first checkpoint: there is nothing to keep or resume, so the folder goes back to what it
            // was (a replaced run's files restored, a fresh folder removed). After one, the checkpoint and resume point stay,
            // and training.json says how the run ended (an interrupted run's says running: its resume point continues it).
            if (!claim.HasCheckpoint) claim.Abandon();
            else if (e is not OperationCanceledException) run?.RecordFailure(state);
            throw;
        }
    }

    /// <summary>The encoded splits and the step schedule, fixed before the first step.</summary>
    private sealed record EpochPlan(EncodedSplit Train, EncodedSplit Validation, EncodedSplit Test, int StepsPerEpoch, long TotalSteps,
        LinearWarmupSchedule Schedule)
    {
        public static EpochPlan Create(TrainingJob job)
        {
            var options = job.Options;
            var train = EncodedSplit.Create(job.Data.Train.Rows, job.Tokenizer, options.MaxLength);
            var validation = EncodedSplit.Create(job.Data.Validation.Rows, job.Tokenizer, options.MaxLength);
            var test = EncodedSplit.Create(job.Data.Test.Rows, job.Tokenizer, options.MaxLength);
            int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
            long totalSteps = (long)stepsPerEpoch * options.Epochs;
            return new EpochPlan(train, validation, test, stepsPerEpoch, totalSteps,
                LinearWarmupSchedule.Create(options.LearningRate, options.WarmupRatio, totalSteps));
        }
    }

    /// <summary>
    /// What the epoch loop carries from one epoch to the next: each step takes it and returns the next one. resume.json
    /// (<see cref="ResumeState"/>) is this plus the file names, so a resumed run starts from what an uninterrupted one had.
    /// </summary>
    private sealed record RunState
    {
        public required int CompletedEpochs { get; init; }
        public required long GlobalStep { get; init; }
        public required int BestEpoch { get; init; }
        public required double BestMacroF1 { get; init; }
        public required int EpochsWithoutImprovement { get; init; }
        public required IReadOnlyList<EpochRecord> Epochs { get; init; }
        // Not in resume.json: the rate of this process's last step (0 before its first), and whether patience ended the loop.
        public double LastLearningRate { get; init; }
        public bool StoppedEarly { get; init; }

        public static RunState Fresh { get; } = new()
        {
            CompletedEpochs = 0, GlobalStep = 0, BestEpoch = 0, BestMacroF1 = double.NegativeInfinity, EpochsWithoutImprovement = 0, Epochs = new List<EpochRecord>(),
        };

        public static RunState From(ResumeState saved) => new()
        {
            CompletedEpochs = saved.CompletedEpochs, GlobalStep = saved.GlobalStep, BestEpoch = saved.BestEpoch,
            BestMacroF1 = saved.BestMacroF1, EpochsWithoutImprovement = saved.EpochsWithoutImprovement, Epochs = saved.Epochs.ToList(),
        };

        /// <summary>The resume point after <see cref="CompletedEpochs"/>, naming the files that epoch's weights and optimizer go to.</summary>
        public ResumeState ToResume(TrainingJob job) => new()
        {
            Stage = job.Stage, DataFingerprint = job.Data.Fingerprint, FreezeEmbeddings = job.Options.FreezeEmbeddings, CompletedEpochs = CompletedEpochs, GlobalStep = GlobalStep, BestEpoch = BestEpoch,
            BestMacroF1 = BestMacroF1, EpochsWithoutImprovement = EpochsWithoutImprovement, WeightsFile = $"epoch-{CompletedEpochs}.safetensors",
            OptimizerFile = $"epoch-{CompletedEpochs}.optimizer.bin", Epochs = Epochs.ToList(),
        };
    }

    // A resume point, when asked for and present, restores the weights and optimizer as well as the loop's state.
    private static RunState StartOrResume(TrainingJob job, string resumeDir, FlatAdamW optimizer) =>
        job.Options.Resume && File.Exists(Path.Combine(resumeDir, ResumeFile))
            ? RunState.From(LoadResume(resumeDir, job, job.Data.Fingerprint, optimizer))
            : RunState.Fresh;

    /// <summary>Predictions of a split in eval mode; returns metrics and the mean unweighted cross-entropy.</summary>
    private static (ClassificationMetrics Metrics, double Loss) Evaluate(TrainingJob job, EncodedSplit split, CancellationToken ct)
    {
        var model = job.Model;
        model.eval();
        var predicted = new int[split.Count];
        var gold = new int[split.Count];
        double lossSum = 0;
        using (torch.no_grad())
        {
            foreach (var batch in split.SortedBatches(job.Options.EvalBatchSize))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var (ids, mask, types) = Models.SequenceClassifier.ToTensors(split.Batch(batch), job.Device);
                var labels = torch.tensor(split.Labels(batch)).to(job.Device);
                var logits = model.Forward(ids, mask, types);
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                var arg = logits.argmax(1).cpu().data<long>().ToArray();
                for (int i = 0; i < batch.Length; i++) { predicted[batch[i]] = (int)arg[i]; gold[batch[i]] = split.Label(batch[i]); }
            }
        }
        model.train();
        return (ClassificationMetrics.Compute(gold, predicted, job.Data.LabelNames), lossSum / Math.Max(1, split.Count));
    }

    private static Tensor? ClassWeightTensor(TrainingJob job, ClassWeighting weighting) =>
        ClassWeights.Compute(weighting, job.Data.Train.ClassCounts()) is { } w ? torch.tensor(w).to(job.Device) : null;

    private static ResumeState LoadResume(string resumeDir, TrainingJob job, string fingerprint, FlatAdamW optimizer)
    {
        var path = Path.Combine(resumeDir, ResumeFile);
        var state = TrainingOutputCheck.ReadResumeFile(path, () => JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path), Json) is { } read
            && read.Epochs.All(e => e is not null) && !string.IsNullOrEmpty(read.WeightsFile) && !string.IsNullOrEmpty(read.OptimizerFile)
            ? read : throw new InvalidDataException("fields missing or null"));
        if (state.Stage != job.Stage)
            throw new UserInputException($"{path}: the resume state is from a '{state.Stage}' run, not '{job.Stage}'.");
        if (state.DataFingerprint != fingerprint)
            throw new UserInputException($"{path}: the data changed since the interrupted run (fingerprint {state.DataFingerprint}, now {fingerprint}); start a fresh run.");
        // The optimizer holds state for the parameters that were trained, so the trained set cannot change mid-run.
        if (state.FreezeEmbeddings != job.Options.FreezeEmbeddings)
            throw new UserInputException($"{path}: the interrupted run {(state.FreezeEmbeddings ? "froze" : "trained")} the embeddings; resume it {(state.FreezeEmbeddings ? "with" : "without")} --freeze-embeddings.");
        var weights = Path.Combine(resumeDir, state.WeightsFile);
        CheckpointLoader.Assign(job.Model, SafeTensorsFile.Read(weights), weights);
        var optimizerFile = Path.Combine(resumeDir, state.OptimizerFile);
        TrainingOutputCheck.ReadResumeFile(optimizerFile, () => { optimizer.Load(optimizerFile); return optimizerFile; });
        return state;
    }

    private static void SaveResume(string resumeDir, Models.SequenceClassifier model, FlatAdamW optimizer, ResumeState state)
    {
        Directory.CreateDirectory(resumeDir);
        SafeTensorsFile.Write(Path.Combine(resumeDir, state.WeightsFile), model.NamedTensors());
        var optimizerPath = Path.Combine(resumeDir, state.OptimizerFile);
        var tmp = optimizerPath + ".tmp";
        optimizer.Save(tmp);
        File.Move(tmp, optimizerPath, overwrite: true);
        // resume.json is written last and names its files, so it never points at a half-written epoch.
        ArtifactJson.Write(Path.Combine(resumeDir, ResumeFile), state, Json);
        foreach (var old in Directory.GetFiles(resumeDir, "epoch-*"))
        {
            var name = Path.GetFileName(old);
            if (name != state.WeightsFile && name != state.OptimizerFile) File.Delete(old);
        }
    }
}
