using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Performance;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

internal static partial class TrainingLoop
{
    /// <summary>
    /// The steps of one run: training an epoch, validating it, scoring the kept weights. Everything it holds is fixed for
    /// the run (or, like the optimizer and the throughput record, an object the steps drive); what changes from epoch to
    /// epoch is the <see cref="RunState"/> each step takes and returns.
    /// </summary>
    private sealed class EpochRunner
    {
        private readonly TrainingJob job;
        private readonly TrainingRunOptions options;
        private readonly string output;
        private readonly string resumeDir;
        private readonly EpochPlan plan;
        private readonly FlatAdamW optimizer;
        private readonly Tensor? classWeights;
        private readonly Stopwatch clock;
        private readonly TrainingThroughput throughput;
        // Runs only inside TrainEpoch: the steps-per-second rate and the ETA count training, not the teacher's scoring or validation.
        private readonly Stopwatch trainClock;
        // The global step this process started from: the steps-per-second rate counts only the steps it took itself.
        private readonly long firstGlobalStep;
        private readonly IProgress<TrainingProgress>? progress;
        private readonly CancellationToken ct;
        // Set by the step whose loss was not finite, just before DivergenceCheck stops the run.
        private bool diverged;

        public EpochRunner(TrainingJob job, string output, EpochPlan plan, FlatAdamW optimizer, Tensor? classWeights, Stopwatch clock,
            long firstGlobalStep, IProgress<TrainingProgress>? progress, CancellationToken ct)
        {
            this.job = job;
            options = job.Options;
            this.output = output;
            resumeDir = Path.Combine(output, ResumeFolder);
            this.plan = plan;
            this.optimizer = optimizer;
            this.classWeights = classWeights;
            this.clock = clock;
            throughput = new TrainingThroughput(job.Model, (long)options.BatchSize * options.MaxLength, job.Device.type == DeviceType.CPU,
                optimizer.UsesFusedCpuKernel ? "FlatAdamW (one-pass float32 CPU kernel)" : "FlatAdamW (in-place libtorch ops)");
            trainClock = new Stopwatch();
            this.firstGlobalStep = firstGlobalStep;
            this.progress = progress;
            this.ct = ct;
        }

        /// <summary>The log and training.json as they stand before the first epoch of this process.</summary>
        public void BeginRecords(RunState state, int resumedAfter)
        {
            // The log holds exactly the epochs behind the weights: none for a fresh run, those before the resume point otherwise.
            AtomicFile.WriteAllText(Path.Combine(output, LogFile), string.Concat(state.Epochs.Select(e => JsonSerializer.Serialize(e, JsonLine) + "\n")));
            if (options.Resume) job.Extra["resume"] = ResumeRecord.Describe(output, options, resumedAfter);
            WriteTrainingJson(state, "running", test: null);
        }

        /// <summary>
        /// A distillation's teacher logits for the whole train split (<see cref="TrainingJob.Teacher"/>), once per process before
        /// its first epoch, reported as <see cref="TrainingPhase.Teacher"/> with rows for steps; nothing when training alone.
        /// </summary>
        public void ScoreWithTeacher(RunState state)
        {
            if (job.Teacher is not { } teacher) return;
            teacher.Compute(plan.Train, options.EvalBatchSize, job.Device, (done, total) => progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Teacher, Epoch = state.CompletedEpochs + 1, Epochs = options.Epochs, Step = done, StepsPerEpoch = total,
                GlobalStep = state.GlobalStep, TotalSteps = plan.TotalSteps, LearningRate = state.LastLearningRate,
            }), ct);
        }

        /// <summary>One epoch of optimizer steps: returns the state with the step count and rate moved on, and the summed loss of its steps.</summary>
        public (RunState State, double LossSum, int Steps) TrainEpoch(RunState state, int epoch)
        {
            var model = job.Model;
            // Seeds derived from the epoch make a resumed run see the same order and dropout as an uninterrupted one.
            torch.manual_seed(options.Seed + 1000L * epoch);
            var batches = plan.Train.ShuffledBuckets(options.BatchSize, new Random(unchecked(options.Seed * 7919 + epoch)));
            model.train();
            double lossSum = 0;
            long globalStep = state.GlobalStep;
            double lastLr = state.LastLearningRate;
            trainClock.Start();
            try
            {
                for (int b = 0; b < batches.Count; b++)
                {
                    ct.ThrowIfCancellationRequested();
                    var stepClock = Stopwatch.StartNew();
                    long batchRows, batchLength;
                    using (var scope = torch.NewDisposeScope())
                    {
                        lastLr = plan.Schedule.At(globalStep);
                        optimizer.LearningRate = lastLr;
                        var (ids, mask, types) = Models.SequenceClassifier.ToTensors(plan.Train.Batch(batches[b]), job.Device);
                        var labels = torch.tensor(plan.Train.Labels(batches[b])).to(job.Device);
                        optimizer.ZeroGrad();
                        (batchRows, batchLength) = (ids.shape[0], ids.shape[1]);
                        var logits = model.Forward(ids, mask, types);
                        var loss = job.Loss(logits, new LossBatch(labels, ids, mask, types, batches[b]), classWeights);
                        loss.backward();
                        optimizer.ClipGradNorm(options.MaxGradNorm);
                        optimizer.Step();
                        float stepLoss = loss.item<float>();
                        // The record says why the run ended (RecordFailure), once the check has stopped it.
                        diverged = !float.IsFinite(stepLoss);
                        lossSum += DivergenceCheck.Finite(stepLoss, epoch, b + 1, lastLr, state.BestEpoch, output);
                    }
                    throughput.Add(stepClock.Elapsed.TotalSeconds, batchRows, batchLength);
                    globalStep++;
                    double rate = (globalStep - firstGlobalStep) / Math.Max(1e-9, trainClock.Elapsed.TotalSeconds);
                    progress?.Report(new TrainingProgress
                    {
                        Phase = TrainingPhase.Train, Epoch = epoch, Epochs = options.Epochs, Step = b + 1, StepsPerEpoch = plan.StepsPerEpoch,
                        GlobalStep = globalStep, TotalSteps = plan.TotalSteps, Loss = lossSum / (b + 1), LearningRate = lastLr,
                        StepsPerSecond = rate, Eta = TimeSpan.FromSeconds((plan.TotalSteps - globalStep) / rate),
                    });
                }
            }
            finally
            {
                trainClock.Stop();
            }
            return (state with { GlobalStep = globalStep, LastLearningRate = lastLr }, lossSum, batches.Count);
        }

        /// <summary>
        /// Scores the epoch just trained on validation; keeps its weights when it is the best so far, and records the epoch
        /// (log line, resume point, training.json). Returns the state with the epoch completed.
        /// </summary>
        public RunState ValidateAndKeep(RunState state, int epoch, double lossSum, int steps, Stopwatch epochClock)
        {
            double trainLoss = lossSum / Math.Max(1, steps);
            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Validate, Epoch = epoch, Epochs = options.Epochs, Step = steps, StepsPerEpoch = plan.StepsPerEpoch,
                GlobalStep = state.GlobalStep, TotalSteps = plan.TotalSteps, Loss = trainLoss, LearningRate = state.LastLearningRate,
            });
            var (metrics, validationLoss) = Evaluate(job, plan.Validation, ct);
            bool isBest = metrics.MacroF1 > state.BestMacroF1;
            if (isBest) ModelCheckpoint.Save(job.Model, output, job.TokenizerFolder);
            var record = new EpochRecord
            {
                Epoch = epoch, TrainLoss = trainLoss, ValidationLoss = validationLoss, Validation = metrics,
                LearningRate = state.LastLearningRate, Steps = steps, Seconds = epochClock.Elapsed.TotalSeconds, IsBest = isBest,
            };
            var next = state with
            {
                CompletedEpochs = epoch,
                BestEpoch = isBest ? epoch : state.BestEpoch,
                BestMacroF1 = isBest ? metrics.MacroF1 : state.BestMacroF1,
                EpochsWithoutImprovement = isBest ? 0 : state.EpochsWithoutImprovement + 1,
                Epochs = state.Epochs.Append(record).ToList(),
            };
            File.AppendAllText(Path.Combine(output, LogFile), JsonSerializer.Serialize(record, JsonLine) + "\n");
            SaveResume(resumeDir, job.Model, optimizer, next.ToResume(job));
            WriteTrainingJson(next, "running", test: null);
            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Validate, Epoch = epoch, Epochs = options.Epochs, Step = steps, StepsPerEpoch = plan.StepsPerEpoch,
                GlobalStep = next.GlobalStep, TotalSteps = plan.TotalSteps, Loss = record.TrainLoss, LearningRate = next.LastLearningRate,
                CompletedEpoch = record,
            });
            return next;
        }

        /// <summary>Scores the test split with the kept weights (not the last epoch's), writes the completed record and drops the resume point.</summary>
        public TrainingResult Finish(RunState state, int resumedAfter)
        {
            // Patience ran out on the last epoch trained, before the planned epochs were all done: that is stopping early too.
            if (!state.StoppedEarly && options.EarlyStoppingPatience is { } patience && state.EpochsWithoutImprovement >= patience
                && state.Epochs.Count < options.Epochs)
                state = state with { StoppedEarly = true };
            if (state.BestEpoch == 0)
                throw new UserInputException($"{output}: no epoch was trained (resume state says all {options.Epochs} epochs are done, but no best epoch is recorded).");

            var best = SafeTensorsFile.Read(Path.Combine(output, "model.safetensors"));
            CheckpointLoader.Assign(job.Model, best, Path.Combine(output, "model.safetensors"));
            ClassificationMetrics? testMetrics = null;
            if (plan.Test.Count > 0)
            {
                progress?.Report(new TrainingProgress
                {
                    Phase = TrainingPhase.Test, Epoch = state.BestEpoch, Epochs = options.Epochs, Step = 0, StepsPerEpoch = plan.StepsPerEpoch,
                    GlobalStep = state.GlobalStep, TotalSteps = plan.TotalSteps, LearningRate = state.LastLearningRate,
                });
                testMetrics = Evaluate(job, plan.Test, ct).Metrics;
            }
            var result = new TrainingResult
            {
                OutputPath = output, Epochs = state.Epochs, BestEpoch = state.BestEpoch,
                BestValidation = state.Epochs.First(e => e.Epoch == state.BestEpoch).Validation, Test = testMetrics, StoppedEarly = state.StoppedEarly,
                ResumedAfterEpoch = resumedAfter, WallTime = clock.Elapsed, TrainableParameters = job.Model.TrainableParameterCount(),
                Device = job.Device.type == DeviceType.CUDA ? "cuda" : "cpu", NewlyInitialized = job.NewlyInitialized,
            };
            WriteTrainingJson(state, "completed", testMetrics);
            try { Directory.Delete(resumeDir, recursive: true); } catch (IOException) { }
            return result;
        }

        /// <summary>
        /// training.json after a run that had saved a checkpoint stopped on an error: "diverged" when its loss stopped being
        /// finite, else "failed", with the epochs behind the kept checkpoint (never "running", which only an interrupted
        /// run's record says, beside the resume point that continues it).
        /// </summary>
        public void RecordFailure(RunState state)
        {
            try { WriteTrainingJson(state, diverged ? "diverged" : "failed", test: null); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or UserInputException) { } // the error that stopped the run is the one to report
        }

        private void WriteTrainingJson(RunState state, string status, ClassificationMetrics? test)
        {
            var record = new TrainingRecord
            {
                Stage = job.Stage, Status = status, Model = Path.GetFullPath(options.ModelPath),
                Architecture = job.Model.Config.Architecture.ToString(), Labels = job.Data.LabelNames,
                Hyperparameters = TrainingRecords.Hyperparameters(options),
                Data = new TrainingDataRecord
                {
                    Source = job.Data.Source, Fingerprint = job.Data.Fingerprint, Train = job.Data.Train.Rows.Count,
                    Validation = job.Data.Validation.Rows.Count, Test = job.Data.Test.Rows.Count, TrainClassCounts = job.Data.Train.ClassCounts(),
                    PseudoLabels = job.Data.PseudoLabels,
                },
                Device = job.Device.type == DeviceType.CUDA ? "cuda" : "cpu", Threads = torch.get_num_threads(),
                TrainableParameters = job.Model.TrainableParameterCount(), NewlyInitialized = job.NewlyInitialized,
                Epochs = state.Epochs, BestEpoch = state.BestEpoch, StoppedEarly = state.StoppedEarly, Test = test,
                WallSeconds = Math.Round(clock.Elapsed.TotalSeconds, 3), Performance = throughput.ToJson(),
                StageSections = TrainingRecords.StageSections(job.Extra),
            };
            ArtifactJson.Write(Path.Combine(output, TrainingJsonFile), record, ArtifactRecordJsonContext.Default.TrainingRecord);
        }
    }
}
