using PpkmOnnx.Core;
using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Performance;
using PpkmOnnx.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// Domain-adaptive masked-LM pretraining (<c>ppkm adapt</c>): optionally moves a checkpoint to a new vocabulary
/// (<see cref="VocabularyTransfer"/>), then trains encoder and MLM head on unlabelled text with BERT's masking, AdamW,
/// linear warm-up and decay, clipping and length-bucketed batches. Writes a Hugging Face masked-LM folder, adapt.json
/// and adapt-log.jsonl (the loss curve); a resume point every few hundred steps and on cancellation.
/// </summary>
public static class DomainAdapter
{
    /// <summary>The record file of a run (<see cref="AdaptRecord"/>).</summary>
    public const string RecordFile = AdaptRecord.FileName;
    /// <summary>The loss-curve log.</summary>
    public const string LogFile = "adapt-log.jsonl";

    private sealed record ResumePoint(long Step, string CorpusFingerprint, string Vocabulary, List<AdaptCurvePointRecord> Curve, double Seconds);

    /// <summary>Runs the adaptation.</summary>
    /// <param name="options">Hyperparameters and folders.</param>
    /// <param name="corpus">The texts (evaluation splits already excluded).</param>
    /// <param name="corpusDetails">Where the corpus and its exclusions came from, for adapt.json's <c>corpus.details</c> (may be null).</param>
    /// <param name="progress">Per-step progress (may be null).</param>
    /// <param name="cancellationToken">Cancelling writes a resume point and throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentException">Bad options.</exception>
    /// <exception cref="UserInputException">The checkpoint, vocabulary or resume point is unusable; the output folder holds a
    /// finished or interrupted run and neither Resume nor Force says what to do with it (<see cref="TrainingOutputCheck"/>).</exception>
    public static AdaptationResult Run(AdaptationRunOptions options, AdaptationCorpus corpus, AdaptCorpusDetailsRecord? corpusDetails = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var output = Path.GetFullPath(options.OutputPath);
        var resumeState = Path.Combine(output, TrainingOutputCheck.AdaptationResumePointFile);
        var resumeDir = Path.GetDirectoryName(resumeState)!;
        // Refused before anything loads; what Force replaces is removed only once the new run is known to start.
        TrainingOutputCheck.Check(options);
        // The source folder's files, and its own vocabulary against its embedding table: the rule every trainer applies.
        CheckpointLoader.CheckFolder(options.ModelPath);

        var sourceTokenizer = BertWordPieceTokenizer.FromFolder(options.ModelPath);
        var tokenizer = options.VocabularyPath is { } vocab ? LoadVocabulary(vocab) : sourceTokenizer;
        if (!tokenizer.TryGetId(tokenizer.Settings.MaskToken, out var maskId))
            throw new UserInputException($"{options.VocabularyPath ?? options.ModelPath}: the vocabulary has no mask token '{tokenizer.Settings.MaskToken}'; masked-LM training needs [CLS], [SEP], [PAD], [UNK] and [MASK].");
        var plan = options.VocabularyPath is null ? null : VocabularyTransfer.Plan(sourceTokenizer, tokenizer);
        var config = ModelConfig.Load(options.ModelPath);
        var weightsPath = Path.Combine(options.ModelPath, ModelCheckpoint.WeightsFile);
        // torch starts only once the inputs are known to be good, so bad input fails fast.
        ProcessSettings.EnsureConfigured(); // before the first GEMM and training's first allocations
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        torch.manual_seed(options.Seed);
        var device = DeviceSelector.Resolve(options.Device);
        options.Compute.EnsureSupportedOn(device.type, CpuFeatures.Current);
        using var model = MaskedLanguageModel.Create(config, SafeTensorsFile.Read(weightsPath), weightsPath,
            plan is null ? null : (plan, tokenizer.PadId), options.Compute);
        model.To(device);

        var train = Encode(corpus.Train, tokenizer, options.MaxLength);
        var heldOut = Encode(corpus.HeldOut.Take(options.EvalTexts).ToList(), tokenizer, options.MaxLength);
        var specials = new[] { tokenizer.ClsId, tokenizer.SepId, tokenizer.PadId, tokenizer.UnknownId, maskId };
        var masker = new TokenMasker(tokenizer.TokensById, maskId, specials, options.Masking);
        // Without one maskable token the masked-LM loss is 0/0 at every step: the vocabulary does not cover the corpus.
        if (train.Count > 0 && !train.SortedBatches(256).Any(b => { var batch = train.Batch(b); return masker.HasMaskableToken(batch.InputIds, batch.AttentionMask); }))
            throw new SettingsAdviceException(name =>
                $"{options.VocabularyPath ?? options.ModelPath}: no token of the corpus's {train.Count:N0} training texts can be masked: under this vocabulary every one is [UNK] or a special token. Use a vocabulary that covers the corpus's words ({name(nameof(AdaptationRunOptions.VocabularyPath))}), or a corpus in its language.",
                options.VocabularyPath ?? options.ModelPath);

        int stepsPerEpoch = (train.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = Math.Min((long)stepsPerEpoch * options.Epochs, options.MaxSteps ?? long.MaxValue);
        var schedule = LinearWarmupSchedule.Create(options.LearningRate, options.WarmupRatio, totalSteps);
        var trainable = model.TrainableParameters();
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(trainable, options.LearningRate, options.WeightDecay);

        // Every token in order: a resumed run must see the very vocabulary its weights were trained with.
        var vocabularyId = AdaptationCorpus.FingerprintOf(tokenizer.TokensById);
        var curve = new List<AdaptCurvePointRecord>();
        long step = 0;
        double secondsBefore = 0;
        if (options.Resume)
        {
            var point = TrainingOutputCheck.ReadResumeFile(resumeState, () =>
                JsonSerializer.Deserialize<ResumePoint>(File.ReadAllText(resumeState), TrainingLoop.Json) is { CorpusFingerprint: not null, Vocabulary: not null, Curve: not null } read
                && read.Curve.All(c => c is not null)
                    ? read : throw new InvalidDataException("fields missing or null"));
            if (point.CorpusFingerprint != corpus.Fingerprint)
                throw new UserInputException($"{resumeState}: the corpus changed since the interrupted run; start a fresh run.");
            if (point.Vocabulary != vocabularyId)
                throw new UserInputException($"{resumeState}: the vocabulary changed since the interrupted run; start a fresh run.");
            // Nothing would run: no step, no held-out loss of the weights it writes, and a record of more steps than asked for.
            if (point.Step >= totalSteps)
                throw new SettingsAdviceException(name =>
                    $"{resumeState}: the interrupted run is at step {point.Step}, and this run ends at step {totalSteps} ({name(nameof(AdaptationRunOptions.MaxSteps))}, {name(nameof(AdaptationRunOptions.Epochs))}); raise them to continue it, or start afresh without {name(nameof(AdaptationRunOptions.Resume))}.", resumeState);
            var weights = Path.Combine(resumeDir, "weights.safetensors");
            model.Load(SafeTensorsFile.Read(weights), weights);
            var optimizerFile = Path.Combine(resumeDir, "optimizer.bin");
            TrainingOutputCheck.ReadResumeFile(optimizerFile, () => { optimizer.Load(optimizerFile); return optimizerFile; });
            (step, curve, secondsBefore) = (point.Step, point.Curve, point.Seconds);
        }
        long resumedAt = step;
        var claim = TrainingOutputCheck.Claim(options);

        var stepClock = Stopwatch.StartNew();
        double lossSince = 0;
        int lossCount = 0;
        double lastLr = 0;
        double Seconds() => secondsBefore + stepClock.Elapsed.TotalSeconds;
        void Record(int epoch)
        {
            double? held = HeldOutLoss(model, heldOut, masker, options, device);
            var point = new AdaptCurvePointRecord(step, epoch, lossCount == 0 ? null : lossSince / lossCount, held, lastLr, Math.Round(Seconds(), 1));
            if (point.TrainLoss is { } t && !double.IsFinite(t) || held is { } h && !double.IsFinite(h))
                throw NotFinite(point, File.Exists(resumeState));
            curve.Add(point);
            File.AppendAllText(Path.Combine(output, LogFile), JsonSerializer.Serialize(point, JsonLine) + "\n");
            (lossSince, lossCount) = (0, 0);
            progress?.Report(new TrainingProgress
            {
                Phase = TrainingPhase.Validate, Epoch = epoch, Epochs = options.Epochs, Step = (int)(step % Math.Max(1, stepsPerEpoch)),
                StepsPerEpoch = stepsPerEpoch, GlobalStep = step, TotalSteps = totalSteps, Loss = held ?? point.TrainLoss ?? 0, LearningRate = lastLr,
            });
        }
        void SaveResume()
        {
            Directory.CreateDirectory(resumeDir);
            SafeTensorsFile.Write(Path.Combine(resumeDir, "weights.safetensors"), model.NamedTensors());
            var tmp = Path.Combine(resumeDir, $"optimizer.bin.tmp-{Environment.ProcessId}");
            optimizer.Save(tmp);
            File.Move(tmp, Path.Combine(resumeDir, "optimizer.bin"), overwrite: true);
            // state.json last: it never names a half-written step.
            AtomicFile.WriteAllText(resumeState, JsonSerializer.Serialize(new ResumePoint(step, corpus.Fingerprint, vocabularyId, curve, Seconds()), TrainingLoop.Json));
            claim.Keep();
        }

        try
        {
            AtomicFile.WriteAllText(Path.Combine(output, LogFile), string.Concat(curve.Select(c => JsonSerializer.Serialize(c, JsonLine) + "\n")));
            if (step == 0) Record(1);
            for (int epoch = 1 + (int)(step / Math.Max(1, stepsPerEpoch)); epoch <= options.Epochs && step < totalSteps; epoch++)
            {
                // Order and masks derive from (seed, epoch, step), so a resumed run continues exactly where it stopped.
                var batches = train.ShuffledBuckets(options.BatchSize, new Random(unchecked(options.Seed * 7919 + epoch)));
                model.Train(true);
                for (int b = (int)(step - (long)(epoch - 1) * stepsPerEpoch); b < batches.Count && step < totalSteps; b++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    torch.manual_seed(options.Seed + step);
                    using (var scope = torch.NewDisposeScope())
                    {
                        lastLr = schedule.At(step);
                        optimizer.LearningRate = lastLr;
                        var batch = train.Batch(batches[b]);
                        var (masked, labels) = masker.Mask(batch.InputIds, batch.AttentionMask, new Random(unchecked(options.Seed * 31 + (int)step)));
                        // A batch with no maskable token (all [UNK] or special) has no loss to learn from: its step passes without an update.
                        if (masker.HasMaskableToken(batch.InputIds, batch.AttentionMask))
                        {
                            var shape = new long[] { batch.BatchSize, batch.SequenceLength };
                            optimizer.ZeroGrad();
                            var loss = model.Loss(torch.tensor(masked, shape).to(device), torch.tensor(batch.AttentionMask, shape).to(device), torch.tensor(labels, shape).to(device));
                            loss.backward();
                            optimizer.ClipGradNorm(options.MaxGradNorm);
                            optimizer.Step();
                            lossSince += loss.item<float>();
                            lossCount++;
                        }
                    }
                    step++;
                    double rate = (step - resumedAt) / Math.Max(1e-9, stepClock.Elapsed.TotalSeconds);
                    progress?.Report(new TrainingProgress
                    {
                        Phase = TrainingPhase.Train, Epoch = epoch, Epochs = options.Epochs, Step = b + 1, StepsPerEpoch = batches.Count,
                        GlobalStep = step, TotalSteps = totalSteps, Loss = lossSince / Math.Max(1, lossCount), LearningRate = lastLr,
                        StepsPerSecond = rate, Eta = TimeSpan.FromSeconds((totalSteps - step) / rate),
                    });
                    if (step % options.EvalEvery == 0 || step == totalSteps) { Record(epoch); model.Train(true); }
                    if (step % options.SaveEvery == 0 && step < totalSteps) SaveResume();
                }
            }
            model.Save(output, tokenizer);
            tokenizer.SaveTokenizerJson(Path.Combine(output, "tokenizer.json"));
            var result = new AdaptationResult
            {
                OutputPath = output, Steps = step, Curve = curve, Transfer = plan, FreshHeadTensors = model.FreshHeadTensors,
                MeanTokensPerText = train.MeanLength, WallTime = clock.Elapsed, ResumedAtStep = resumedAt,
            };
            var record = AdaptationRecord.Create(options, corpus, corpusDetails, model, tokenizer, sourceTokenizer, result, Seconds(), device.type == DeviceType.CUDA);
            ArtifactJson.Write(Path.Combine(output, RecordFile), record, ArtifactRecordJsonContext.Default.AdaptRecord);
            claim.Keep();
            try { Directory.Delete(resumeDir, recursive: true); } catch (IOException) { }
            return result;
        }
        catch (OperationCanceledException) when (!claim.ReplacesEarlierRun)
        {
            // Interrupted: a resume point of the steps taken (in a fresh folder, or continuing a resume point, nothing is lost by it).
            SaveResume();
            throw;
        }
        catch
        {
            // Ended before a resume point of its own (an error, or an interruption that would otherwise trade a replaced
            // run for a few steps): the folder goes back to what it was. After one, the resume point and the log stay.
            claim.Abandon();
            throw;
        }
    }

    /// <summary>
    /// The error for a masked-LM loss that is not a finite number, blaming the learning rate only when there was one (at
    /// rate 0 no update has moved the weights, so the model or the data is the cause), and naming a resume point only
    /// when one is on disk.
    /// </summary>
    private static UserInputException NotFinite(AdaptCurvePointRecord point, bool resumePointKept)
    {
        var value = point.TrainLoss is { } t && !double.IsFinite(t) ? t : point.HeldOutLoss!.Value;
        var which = point.TrainLoss is { } t2 && !double.IsFinite(t2) ? "training" : "held-out";
        var text = double.IsNaN(value) ? "NaN" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var kept = resumePointKept ? " (the last resume point is kept)" : "";
        return point.LearningRate > 0
            ? new InvalidSettingException(nameof(AdaptationRunOptions.LearningRate), string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the masked-LM {which} loss is {text} at step {point.Step} (learning rate {point.LearningRate:G3}); lower the learning rate{kept}."))
            : new UserInputException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the masked-LM {which} loss is {text} at step {point.Step}, before any update (learning rate 0): the model's weights or the corpus are the cause, not the learning rate{kept}."));
    }

    // adapt-log.jsonl: one curve point a line, through the records' source-generated serializer.
    private static readonly JsonSerializerOptions JsonLine = new(ArtifactRecordJsonContext.Default.Options) { WriteIndented = false };

    /// <summary>Reads a vocabulary file (or a folder holding one).</summary>
    // A vocab.txt reads with the tokenizer_config.json / special_tokens_map.json beside it, as in a model folder.
    private static BertWordPieceTokenizer LoadVocabulary(string vocabPath) =>
        Directory.Exists(vocabPath) ? BertWordPieceTokenizer.FromFolder(vocabPath)
        : Path.GetFileName(vocabPath) == "vocab.txt" && File.Exists(vocabPath) ? BertWordPieceTokenizer.FromFolder(Path.GetDirectoryName(Path.GetFullPath(vocabPath))!)
        : BertWordPieceTokenizer.Create(vocabPath);

    private static EncodedSplit Encode(IReadOnlyList<string> texts, BertWordPieceTokenizer tokenizer, int maxLength) =>
        EncodedSplit.Create(texts.Select(t => new LabelledText(t, 0)).ToList(), tokenizer, maxLength);

    /// <summary>
    /// Mean loss over the held-back texts, with masks drawn from a fixed seed so every point of the curve sees the same task;
    /// null when no held-back batch has a token to mask (or there are no held-back texts).
    /// </summary>
    private static double? HeldOutLoss(MaskedLanguageModel model, EncodedSplit heldOut, TokenMasker masker, AdaptationRunOptions options, Device device)
    {
        model.Train(false);
        double sum = 0;
        int batches = 0;
        var random = new Random(options.Seed);
        using var noGrad = torch.no_grad();
        foreach (var indices in heldOut.SortedBatches(64))
        {
            using var scope = torch.NewDisposeScope();
            var batch = heldOut.Batch(indices);
            var (masked, labels) = masker.Mask(batch.InputIds, batch.AttentionMask, random);
            if (!masker.HasMaskableToken(batch.InputIds, batch.AttentionMask)) continue; // nothing to predict: no loss, not a NaN
            var shape = new long[] { batch.BatchSize, batch.SequenceLength };
            sum += model.Loss(torch.tensor(masked, shape).to(device), torch.tensor(batch.AttentionMask, shape).to(device), torch.tensor(labels, shape).to(device)).item<float>();
            batches++;
        }
        return batches == 0 ? null : Math.Round(sum / batches, 5);
    }
}
