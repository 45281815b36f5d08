using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Performance;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// The epoch loop shared by fine-tuning and distillation: AdamW with linear warmup/decay, gradient clipping,
/// length-bucketed batches, best-epoch selection on validation macro-F1, early stopping, per-epoch resume state.
/// </summary>
internal static class TrainingLoop
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

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    public static TrainingResult Run(TrainingJob job, IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var options = job.Options;
        var model = job.Model;
        var output = Path.GetFullPath(options.OutputPath);
        TrainingOutputCheck.Prepare(options);
        OutputFolder.Create(output);
        var resumeDir = Path.Combine(output, ResumeFolder);

        var train = EncodedSplit.Create(job.Data.Train.Rows, job.Tokenizer, options.MaxLength);
        var validation = EncodedSplit.Create(job.Data.Validation.Rows, job.Tokenizer, options.MaxLength);
        var test = EncodedSplit.Create(job.Data.Test.Rows, job.Tokenizer, options.MaxLength);
        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        var schedule = LinearWarmupSchedule.Create(options.LearningRate, options.WarmupRatio, totalSteps);
        var fingerprint = job.Data.Fingerprint;

        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, options.LearningRate, options.WeightDecay);
        var state = new ResumeState
        {
            Stage = job.Stage, DataFingerprint = fingerprint, CompletedEpochs = 0, GlobalStep = 0, BestEpoch = 0,
            BestMacroF1 = double.NegativeInfinity, EpochsWithoutImprovement = 0, WeightsFile = "", OptimizerFile = "", Epochs = new(),
        };
        if (options.Resume && File.Exists(Path.Combine(resumeDir, ResumeFile)))
            state = LoadResume(resumeDir, job, fingerprint, optimizer);
        int resumedAfter = state.CompletedEpochs;

        using var classWeights = ClassWeightTensor(job, options.ClassWeighting);
        var throughput = new TrainingThroughput(model, (long)options.BatchSize * options.MaxLength, job.Device.type == DeviceType.CPU,
            optimizer.UsesFusedCpuKernel ? "FlatAdamW (one-pass float32 CPU kernel)" : "FlatAdamW (in-place libtorch ops)");
        var trainClock = Stopwatch.StartNew();
        long stepsThisProcess = 0;
        bool stoppedEarly = false;
        int bestEpoch = state.BestEpoch;
        double bestF1 = state.BestMacroF1;
        int stale = state.EpochsWithoutImprovement;
        long globalStep = state.GlobalStep;
        var epochs = new List<EpochRecord>(state.Epochs);
        double lastLr = 0;
        // The log holds exactly the epochs behind the weights: none for a fresh run, those before the resume point otherwise.
        AtomicFile.WriteAllText(Path.Combine(output, LogFile), string.Concat(epochs.Select(e => JsonSerializer.Serialize(e, JsonLine) + "\n")));
        if (options.Resume) job.Extra["resume"] = ResumeRecord.Describe(output, options, resumedAfter);
        WriteTrainingJson(job, output, epochs, bestEpoch, null, "running", clock.Elapsed, fingerprint, stoppedEarly, throughput);

        for (int epoch = state.CompletedEpochs + 1; epoch <= options.Epochs; epoch++)
        {
            if (options.EarlyStoppingPatience is { } patience && stale >= patience) { stoppedEarly = true; break; }
            var epochClock = Stopwatch.StartNew();
            // Seeds derived from the epoch make a resumed run see the same order and dropout as an uninterrupted one.
            torch.manual_seed(options.Seed + 1000L * epoch);
            var batches = train.ShuffledBuckets(options.BatchSize, new Random(unchecked(options.Seed * 7919 + epoch)));
            model.train();
            double lossSum = 0;
            for (int b = 0; b < batches.Count; b++)
            {
                ct.ThrowIfCancellationRequested();
                var stepClock = Stopwatch.StartNew();
                long batchRows, batchLength;
                using (var scope = torch.NewDisposeScope())
                {
                    lastLr = schedule.At(globalStep);
                    optimizer.LearningRate = lastLr;
                    var (ids, mask, types) = Models.SequenceClassifier.ToTensors(train.Batch(batches[b]), job.Device);
                    var labels = torch.tensor(train.Labels(batches[b])).to(job.Device);
                    optimizer.ZeroGrad();
                    (batchRows, batchLength) = (ids.shape[0], ids.shape[1]);
                    var logits = model.Forward(ids, mask, types);
                    var loss = job.Loss(logits, labels, ids, mask, types, classWeights);
                    loss.backward();
                    optimizer.ClipGradNorm(options.MaxGradNorm);
                    optimizer.Step();
                    float stepLoss = loss.item<float>();
                    // The record says why the run ended before the check stops it (it would otherwise stay "running").
                    if (!float.IsFinite(stepLoss))
                        WriteTrainingJson(job, output, epochs, bestEpoch, null, "diverged", clock.Elapsed, fingerprint, stoppedEarly, throughput);
                    lossSum += DivergenceCheck.Finite(stepLoss, epoch, b + 1, lastLr, bestEpoch, output);
                }
                throughput.Add(stepClock.Elapsed.TotalSeconds, batchRows, batchLength);
                globalStep++;
                stepsThisProcess++;
                double rate = stepsThisProcess / Math.Max(1e-9, trainClock.Elapsed.TotalSeconds);
                progress?.Report(new TrainingProgress
                {
                    Phase = TrainingPhase.Train, Epoch = epoch, Epochs = options.Epochs, Step = b + 1, StepsPerEpoch = stepsPerEpoch,
                    GlobalStep = globalStep, TotalSteps = totalSteps, Loss = lossSum / (b + 1), LearningRate = lastLr,
                    StepsPerSecond = rate, Eta = TimeSpan.FromSeconds((totalSteps - globalStep) / rate),
                });
            }

            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Validate, Epoch = epoch, Epochs = options.Epochs, Step = batches.Count, StepsPerEpoch = stepsPerEpoch,
                GlobalStep = globalStep, TotalSteps = totalSteps, Loss = lossSum / Math.Max(1, batches.Count), LearningRate = lastLr,
            });
            var (metrics, validationLoss) = Evaluate(job, validation, ct);
            bool isBest = metrics.MacroF1 > bestF1;
            if (isBest)
            {
                bestF1 = metrics.MacroF1;
                bestEpoch = epoch;
                stale = 0;
                ModelCheckpoint.Save(model, output, job.TokenizerFolder);
            }
            else stale++;
            var record = new EpochRecord
            {
                Epoch = epoch, TrainLoss = lossSum / Math.Max(1, batches.Count), ValidationLoss = validationLoss, Validation = metrics,
                LearningRate = lastLr, Steps = batches.Count, Seconds = epochClock.Elapsed.TotalSeconds, IsBest = isBest,
            };
            epochs.Add(record);
            File.AppendAllText(Path.Combine(output, LogFile), JsonSerializer.Serialize(record, JsonLine) + "\n");
            SaveResume(resumeDir, model, optimizer, new ResumeState
            {
                Stage = job.Stage, DataFingerprint = fingerprint, CompletedEpochs = epoch, GlobalStep = globalStep, BestEpoch = bestEpoch,
                BestMacroF1 = bestF1, EpochsWithoutImprovement = stale, WeightsFile = $"epoch-{epoch}.safetensors",
                OptimizerFile = $"epoch-{epoch}.optimizer.bin", Epochs = epochs,
            });
            WriteTrainingJson(job, output, epochs, bestEpoch, null, "running", clock.Elapsed, fingerprint, stoppedEarly, throughput);
            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Validate, Epoch = epoch, Epochs = options.Epochs, Step = batches.Count, StepsPerEpoch = stepsPerEpoch,
                GlobalStep = globalStep, TotalSteps = totalSteps, Loss = record.TrainLoss, LearningRate = lastLr, CompletedEpoch = record,
            });
        }
        if (!stoppedEarly && options.EarlyStoppingPatience is { } p2 && stale >= p2 && epochs.Count < options.Epochs) stoppedEarly = true;
        if (bestEpoch == 0) throw new UserInputException($"{output}: no epoch was trained (resume state says all {options.Epochs} epochs are done, but no best epoch is recorded).");

        // Score the test split with the kept weights, not the last epoch's.
        var best = SafeTensorsFile.Read(Path.Combine(output, "model.safetensors"));
        CheckpointLoader.Assign(model, best, Path.Combine(output, "model.safetensors"));
        ClassificationMetrics? testMetrics = null;
        if (test.Count > 0)
        {
            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Test, Epoch = bestEpoch, Epochs = options.Epochs, Step = 0, StepsPerEpoch = stepsPerEpoch,
                GlobalStep = globalStep, TotalSteps = totalSteps, LearningRate = lastLr,
            });
            testMetrics = Evaluate(job, test, ct).Metrics;
        }
        var result = new TrainingResult
        {
            OutputPath = output, Epochs = epochs, BestEpoch = bestEpoch,
            BestValidation = epochs.First(e => e.Epoch == bestEpoch).Validation, Test = testMetrics, StoppedEarly = stoppedEarly,
            ResumedAfterEpoch = resumedAfter, WallTime = clock.Elapsed, TrainableParameters = model.TrainableParameterCount(),
            Device = job.Device.type == DeviceType.CUDA ? "cuda" : "cpu", NewlyInitialized = job.NewlyInitialized,
        };
        WriteTrainingJson(job, output, epochs, bestEpoch, testMetrics, "completed", clock.Elapsed, fingerprint, stoppedEarly, throughput);
        try { Directory.Delete(resumeDir, recursive: true); } catch (IOException) { }
        return result;
    }

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
        var state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path), Json)
            ?? throw new UserInputException($"{path}: empty resume state.");
        if (state.Stage != job.Stage)
            throw new UserInputException($"{path}: the resume state is from a '{state.Stage}' run, not '{job.Stage}'.");
        if (state.DataFingerprint != fingerprint)
            throw new UserInputException($"{path}: the data changed since the interrupted run (fingerprint {state.DataFingerprint}, now {fingerprint}); start a fresh run.");
        var weights = Path.Combine(resumeDir, state.WeightsFile);
        CheckpointLoader.Assign(job.Model, SafeTensorsFile.Read(weights), weights);
        optimizer.Load(Path.Combine(resumeDir, state.OptimizerFile));
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

    private static void WriteTrainingJson(TrainingJob job, string output, List<EpochRecord> epochs, int bestEpoch,
        ClassificationMetrics? test, string status, TimeSpan wall, string fingerprint, bool stoppedEarly, TrainingThroughput throughput)
    {
        var o = job.Options;
        var root = new JsonObject
        {
            ["stage"] = job.Stage,
            ["status"] = status,
            ["model"] = Path.GetFullPath(o.ModelPath),
            ["architecture"] = job.Model.Config.Architecture.ToString(),
            ["labels"] = new JsonArray(job.Data.LabelNames.Select(l => (JsonNode)l).ToArray()),
            ["hyperparameters"] = new JsonObject
            {
                ["learning_rate"] = o.LearningRate, ["batch_size"] = o.BatchSize, ["eval_batch_size"] = o.EvalBatchSize,
                ["epochs"] = o.Epochs, ["max_length"] = o.MaxLength, ["warmup_ratio"] = o.WarmupRatio,
                ["weight_decay"] = o.WeightDecay, ["max_grad_norm"] = o.MaxGradNorm, ["class_weighting"] = o.ClassWeighting.ToString(),
                ["seed"] = o.Seed, ["early_stopping_patience"] = o.EarlyStoppingPatience,
                ["attention"] = o.AttentionName,
                ["optimizer"] = "AdamW(beta1=0.9, beta2=0.999, eps=1e-8; no decay on bias/LayerNorm; flat buffers, FlatAdamW)",
                ["schedule"] = "linear warmup then linear decay to 0",
                ["automatic_choices"] = new JsonArray(o.AutomaticChoices.Select(c => (JsonNode)c).ToArray()),
            },
            ["data"] = new JsonObject
            {
                ["source"] = job.Data.Source, ["fingerprint"] = fingerprint,
                ["train"] = job.Data.Train.Rows.Count, ["validation"] = job.Data.Validation.Rows.Count, ["test"] = job.Data.Test.Rows.Count,
                ["train_class_counts"] = new JsonArray(job.Data.Train.ClassCounts().Select(c => (JsonNode)c).ToArray()),
            },
            ["device"] = job.Device.type == DeviceType.CUDA ? "cuda" : "cpu",
            ["threads"] = torch.get_num_threads(),
            ["trainable_parameters"] = job.Model.TrainableParameterCount(),
            ["newly_initialized"] = new JsonArray(job.NewlyInitialized.Select(n => (JsonNode)n).ToArray()),
            ["epochs"] = JsonSerializer.SerializeToNode(epochs, Json),
            ["best_epoch"] = bestEpoch,
            ["stopped_early"] = stoppedEarly,
            ["test"] = test is null ? null : JsonSerializer.SerializeToNode(test, Json),
            ["wall_seconds"] = Math.Round(wall.TotalSeconds, 3),
            ["performance"] = throughput.ToJson(),
        };
        foreach (var (k, v) in job.Extra) root[k] = v?.DeepClone();
        ArtifactJson.Write(Path.Combine(output, TrainingJsonFile), root, Json);
    }
}
