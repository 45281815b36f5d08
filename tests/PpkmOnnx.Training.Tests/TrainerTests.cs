using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

public class TrainerTests
{
    [Fact]
    public void LinearScheduleMatchesHandComputedValues()
    {
        // 50 steps, 10 % warmup → W = 5; transformers' lambda: s/W, then (T − s)/(T − W).
        var s = LinearWarmupSchedule.Create(1e-3, 0.1, 50);
        Assert.Equal(5, s.WarmupSteps);
        Assert.Equal(0.0, s.At(0), 12);
        Assert.Equal(2e-4, s.At(1), 12);
        Assert.Equal(8e-4, s.At(4), 12);
        Assert.Equal(1e-3, s.At(5), 12);
        Assert.Equal(1e-3 * 40 / 45, s.At(10), 12);
        Assert.Equal(1e-3 / 45, s.At(49), 12);
        Assert.Equal(0.0, s.At(50), 12);
        Assert.Equal(0.0, s.At(60), 12);
        // 7 % of 30 = 2.1 → ceil 3 warmup steps; no warmup starts at the peak.
        Assert.Equal(3, LinearWarmupSchedule.Create(1.0, 0.07, 30).WarmupSteps);
        Assert.Equal(1.0, LinearWarmupSchedule.Create(1.0, 0.0, 30).At(0), 12);
    }

    [Fact]
    public void WeightDecayReachesWeightsButNotBiasesOrLayerNorm()
    {
        torch.manual_seed(2);
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 1));
        using (torch.no_grad()) foreach (var p in model.parameters()) p.add_(torch.randn_like(p) * 0.1);
        var before = model.NamedTensors();
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, learningRate: 0.1, weightDecay: 0.5);
        // A zero gradient leaves only AdamW's decoupled decay: p ← p·(1 − lr·wd) = 0.95·p where decay applies.
        optimizer.ZeroGrad();
        var zero = model.parameters().Select(p => p.sum() * 0.0).Aggregate((a, b) => a + b);
        zero.backward();
        optimizer.Step();
        var after = model.NamedTensors();
        int decayed = 0, kept = 0;
        foreach (var (name, b) in before)
        {
            bool expectDecay = !name.EndsWith(".bias", StringComparison.Ordinal) && !name.Contains("LayerNorm", StringComparison.Ordinal);
            Assert.Equal(expectDecay, WeightDecayGroups.IsDecayed(name));
            for (int i = 0; i < b.Data.Length; i += 7)
                Assert.Equal(expectDecay ? b.Data[i] * 0.95f : b.Data[i], after[name].Data[i], 1e-6f);
            if (expectDecay) decayed++; else kept++;
        }
        Assert.Equal(3 + 6 + 2, decayed); // 3 embedding tables, 6 encoder Linear weights, pooler and classifier weights
        Assert.Equal(8 + 3 * 2, kept); // 8 Linear biases, 3 LayerNorms × (weight, bias)
        Assert.False(WeightDecayGroups.IsDecayed("distilbert.transformer.layer.0.sa_layer_norm.weight"));
        Assert.False(WeightDecayGroups.IsDecayed("distilbert.transformer.layer.0.output_layer_norm.weight"));
    }

    [Fact]
    public void OneOptimizerStepLowersTheLossOnAFixedBatch()
    {
        torch.manual_seed(8);
        using var model = BertForSequenceClassification.Create(TinyModels.Bert());
        model.eval(); // no dropout: the two losses differ only by the update
        var batch = new EncodedBatch(new long[] { 2, 5, 6, 3, 2, 10, 11, 3, 2, 7, 3, 0 }, new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, new long[12], 3, 4);
        var (ids, mask, types) = SequenceClassifier.ToTensors(batch, torch.CPU);
        var labels = torch.tensor(new long[] { 1, 0, 1 });
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-3, 0.01);
        var loss0 = torch.nn.functional.cross_entropy(model.Forward(ids, mask, types), labels);
        optimizer.ZeroGrad();
        loss0.backward();
        optimizer.Step();
        var loss1 = torch.nn.functional.cross_entropy(model.Forward(ids, mask, types), labels);
        Assert.True(loss1.item<float>() < loss0.item<float>(), $"loss {loss0.item<float>()} → {loss1.item<float>()}");
    }

    [Fact]
    public void TrainingOnSeparableDataReachesHighAccuracyAndWritesItsOutputs()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(labels: 2) with { Labels = Array.Empty<string>() }, temp.Combine("base"));
        var data = TinyModels.SeparableSplits();
        var reports = new List<TrainingProgress>();
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 4, LearningRate = 5e-3, ClassWeighting = ClassWeighting.InverseFrequency };
        var result = SequenceClassifierTrainer.Run(options, data, new SyncProgress(reports.Add));

        Assert.Equal(4, result.Epochs.Count);
        Assert.NotNull(result.Test);
        Assert.True(result.Test!.Accuracy >= 0.9, $"test accuracy {result.Test.Accuracy}");
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss);
        Assert.Equal(result.Epochs.MaxBy(e => e.Validation.MacroF1)!.Epoch, result.BestEpoch);
        Assert.Contains("classifier.weight", result.NewlyInitialized);
        Assert.Equal(40, result.Test.ConfusionMatrix.Sum(r => r.Sum()));
        Assert.Equal("cpu", result.Device);

        // Progress: one report per step (160/16 = 10 per epoch) plus two per epoch and one for the test.
        Assert.Equal(4 * 10, reports.Count(r => r.Phase == TrainingPhase.Train));
        Assert.Equal(4, reports.Count(r => r.CompletedEpoch is not null));
        Assert.All(reports.Where(r => r.Phase == TrainingPhase.Train), r => Assert.True(r.StepsPerSecond > 0 && r.Eta is not null));
        Assert.Equal(40, reports.Last(r => r.Phase == TrainingPhase.Train).GlobalStep);

        // Outputs: checkpoint of the best epoch, training.json, one log line per epoch, no resume state left.
        var json = JsonNode.Parse(File.ReadAllText(temp.Combine("out", "training.json")))!;
        Assert.Equal("completed", json["status"]!.GetValue<string>());
        Assert.Equal(result.BestEpoch, json["best_epoch"]!.GetValue<int>());
        Assert.Equal(160, json["data"]!["train"]!.GetValue<int>());
        Assert.Equal(data.Fingerprint, json["data"]!["fingerprint"]!.GetValue<string>());
        Assert.Equal(options.LearningRate, json["hyperparameters"]!["learning_rate"]!.GetValue<double>());
        Assert.Equal("eager", json["hyperparameters"]!["attention"]!.GetValue<string>());
        Assert.Equal(result.Test.Accuracy, json["test"]!["accuracy"]!.GetValue<double>());
        Assert.Equal(4, json["epochs"]!.AsArray().Count);
        Assert.Equal(result.TrainableParameters, json["trainable_parameters"]!.GetValue<long>());
        Assert.Equal(4, File.ReadAllLines(temp.Combine("out", "training-log.jsonl")).Length);
        Assert.False(Directory.Exists(temp.Combine("out", "resume")));
        // The record is versioned, ends with the tool, and reads back through the one strict reader as the run reported it.
        Assert.Equal(1, json["schema_version"]!.GetValue<int>());
        Assert.False(json["data"]!.AsObject().ContainsKey("pseudo_labels")); // only a self-training run has the section
        Assert.Equal(["tool", "tool_version"], json.AsObject().Select(kv => kv.Key).TakeLast(2));
        var record = ModelPackage.ReadTrainingRecord(temp.Combine("out", "training.json"));
        Assert.Equal(result.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.Validation.MacroF1)), record.Epochs.Select(e => (e.Epoch, e.TrainLoss, e.Validation.MacroF1)));
        Assert.Equal(options.MaxLength, ModelPackage.TrainedMaxLength(temp.Combine("out")));
        // Speed record: every step of this process counted, a measured GEMM peak, the CPU named.
        var perf = json["performance"]!;
        Assert.Equal(40, perf["steps_this_process"]!.GetValue<long>());
        Assert.True(perf["steps_per_second"]!.GetValue<double>() > 0);
        Assert.True(perf["step_gflops"]!.GetValue<double>() > 0);
        Assert.True(perf["gemm_peak_gflops"]!.GetValue<double>() > 0);
        // At its peak the process held at least the weights, FlatAdamW's gradient buffer and both moments: 16 bytes a parameter.
        Assert.True(perf["peak_resident_mb"]!.GetValue<double>() >= result.TrainableParameters * 16 / 1048576.0);
        Assert.Equal(Core.Platform.CpuFeatures.Current.Vendor, perf["cpu_vendor"]!.GetValue<string>());
        Assert.Equal(Core.Platform.CpuFeatures.Current.InstructionSets, perf["isa"]!.AsArray().Select(n => n!.GetValue<string>()));

        // The saved checkpoint reproduces the reported test accuracy.
        using var loaded = CheckpointLoader.Load(temp.Combine("out"));
        Assert.Equal(TinyModels.Labels, loaded.Model.Config.Labels);
        var tokenizer = BertWordPieceTokenizer.FromFolder(temp.Combine("out"));
        var enc = tokenizer.EncodeBatch(data.Test.Rows.Select(r => r.Text).ToList(), 16);
        var logits = loaded.Model.Logits(enc);
        int correct = data.Test.Rows.Select((r, i) => logits[2 * i + 1] > logits[2 * i] == (r.Label == 1) ? 1 : 0).Sum();
        Assert.Equal(result.Test.Accuracy, correct / 40.0, 9);
    }

    [Theory]
    [InlineData(DropoutKernel.Libtorch, false)]
    [InlineData(DropoutKernel.Counter, false)] // its masks are keyed from torch's generator, which resume restores
    [InlineData(DropoutKernel.Libtorch, true)] // the optimizer's state covers only the trained parameters
    public void CancelledRunResumesToTheSameWeightsAsAnUninterruptedOne(DropoutKernel dropout, bool freezeEmbeddings)
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 64, validation: 16, test: 16);
        var baseOptions = TinyModels.FastOptions(modelDir, "") with
        {
            Epochs = 3, Threads = 1, Compute = new ModelComputeOptions { Dropout = dropout }, FreezeEmbeddings = freezeEmbeddings,
        };

        var full = SequenceClassifierTrainer.Run(baseOptions with { OutputPath = temp.Combine("full") }, data);

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.CompletedEpoch?.Epoch == 1) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SequenceClassifierTrainer.Run(baseOptions with { OutputPath = temp.Combine("cut") }, data, progress, cts.Token));
        // The interrupted folder holds a loadable checkpoint (epoch 1) and resume state.
        Assert.True(File.Exists(temp.Combine("cut", "resume", "resume.json")));
        using (var partial = CheckpointLoader.Load(temp.Combine("cut"))) Assert.Empty(partial.NewlyInitialized);
        Assert.Equal("running", JsonNode.Parse(File.ReadAllText(temp.Combine("cut", "training.json")))!["status"]!.GetValue<string>());

        var resumed = SequenceClassifierTrainer.Run(baseOptions with { OutputPath = temp.Combine("cut"), Resume = true }, data);
        Assert.Equal(1, resumed.ResumedAfterEpoch);
        Assert.Equal(3, resumed.Epochs.Count);
        for (int i = 0; i < 3; i++) Assert.Equal(full.Epochs[i].TrainLoss, resumed.Epochs[i].TrainLoss, 5);
        Assert.Equal(full.BestEpoch, resumed.BestEpoch);
        Assert.Equal(3, File.ReadAllLines(temp.Combine("cut", "training-log.jsonl")).Length);
        Assert.Equal(File.ReadAllLines(temp.Combine("full", "training-log.jsonl")).Select(l => JsonNode.Parse(l)!["train_loss"]!.GetValue<double>()),
            File.ReadAllLines(temp.Combine("cut", "training-log.jsonl")).Select(l => JsonNode.Parse(l)!["train_loss"]!.GetValue<double>()));
        var a = SafeTensorsFile.Read(temp.Combine("full", "model.safetensors"));
        var b = SafeTensorsFile.Read(temp.Combine("cut", "model.safetensors"));
        foreach (var (name, t) in a)
            for (int i = 0; i < t.Data.Length; i++) Assert.Equal(t.Data[i], b[name].Data[i], 1e-5f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_run_cancelled_before_its_first_epoch_ended_removes_what_it_wrote(bool outputExisted)
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 64, validation: 16, test: 16);
        var output = temp.Combine("out");
        // A folder the user made, holding a file of theirs: the run's own files go, the folder and the file stay.
        if (outputExisted)
        {
            Directory.CreateDirectory(output);
            File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        }
        using var cts = new CancellationTokenSource();
        bool recordsBegun = false;
        var progress = new SyncProgress(p =>
        {
            if (p.Step != 2) return;
            recordsBegun = File.Exists(Path.Combine(output, "training.json")) && File.Exists(Path.Combine(output, "training-log.jsonl"));
            cts.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SequenceClassifierTrainer.Run(TinyModels.FastOptions(modelDir, output) with { Epochs = 2 }, data, progress, cts.Token));
        Assert.True(recordsBegun, "training.json and the log should exist while the first epoch runs");
        if (outputExisted) Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
        else Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void ResumeRefusesChangedData()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 32, validation: 8, test: 0);
        using var cts = new CancellationTokenSource();
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2 };
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data,
            new SyncProgress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));
        var changed = data with { Train = data.Train with { Rows = data.Train.Rows.Skip(1).ToList() } };
        var e = Assert.Throws<UserInputException>(() => SequenceClassifierTrainer.Run(options with { Resume = true }, changed));
        Assert.Contains("data changed", e.Message);
    }

    [Fact]
    public void FrozenEmbeddingsStayAsLoadedWhileTheEncoderTrains()
    {
        using var temp = TestPaths.NewTempFolder();
        var config = TinyModels.Bert(layers: 1);
        var modelDir = TinyModels.SaveFresh(config, temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 64, validation: 16, test: 16);
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2, FreezeEmbeddings = true };
        var result = SequenceClassifierTrainer.Run(options, data);

        var before = SafeTensorsFile.Read(Path.Combine(modelDir, "model.safetensors"));
        var after = SafeTensorsFile.Read(temp.Combine("out", "model.safetensors"));
        string[] embeddings = ["bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
            "bert.embeddings.token_type_embeddings.weight", "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias"];
        foreach (var name in embeddings) Assert.Equal(before[name].Data, after[name].Data);
        Assert.NotEqual(before["bert.encoder.layer.0.attention.self.query.weight"].Data, after["bert.encoder.layer.0.attention.self.query.weight"].Data);
        Assert.NotEqual(before["bert.pooler.dense.weight"].Data, after["bert.pooler.dense.weight"].Data);

        // Hidden 32: (vocabulary + 64 positions + 2 token types) rows of 32, and the LayerNorm's weight and bias.
        long frozen = (config.VocabSize + 64 + 2) * 32 + 2 * 32;
        long all = after.Values.Sum(t => (long)t.Data.Length);
        Assert.Equal(all - frozen, result.TrainableParameters);
        var json = JsonNode.Parse(File.ReadAllText(temp.Combine("out", "training.json")))!;
        Assert.True(json["hyperparameters"]!["freeze_embeddings"]!.GetValue<bool>());
        Assert.Equal(all - frozen, json["trainable_parameters"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ResumeRefusesAChangedChoiceOfFrozenEmbeddings(bool frozenBefore)
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 32, validation: 8, test: 0);
        using var cts = new CancellationTokenSource();
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2, FreezeEmbeddings = frozenBefore };
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data,
            new SyncProgress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));
        var e = Assert.Throws<UserInputException>(() => SequenceClassifierTrainer.Run(options with { Resume = true, FreezeEmbeddings = !frozenBefore }, data));
        Assert.EndsWith(frozenBefore
            ? "the interrupted run froze the embeddings; resume it with --freeze-embeddings."
            : "the interrupted run trained the embeddings; resume it without --freeze-embeddings.", e.Message);
    }

    [Fact]
    public void BadOptionsAndDataAreRejectedWithClearMessages()
    {
        var good = TinyModels.FastOptions("m", "o");
        Assert.Contains("batch size", Assert.Throws<ArgumentException>(() => (good with { BatchSize = 0 }).Validate()).Message);
        Assert.Contains("warmup ratio", Assert.Throws<ArgumentException>(() => (good with { WarmupRatio = 1.5 }).Validate()).Message);
        Assert.Contains("device must be auto, cpu or cuda", Assert.Throws<UserInputException>(() => (good with { Device = "tpu" }).Validate()).Message);
        var data = TinyModels.SeparableSplits(8, 4, 0);
        var bad = data with { Validation = data.Validation with { Rows = new[] { new LabelledText("x", 5, SourceLine: 12) } } };
        var e = Assert.Throws<UserInputException>(() => bad.Validate());
        Assert.Contains("validation row 1 (line 12): label id 5 is outside 0..1", e.Message);
        Assert.Contains("validation split is empty", Assert.Throws<UserInputException>(() => (data with { Validation = data.Validation with { Rows = Array.Empty<LabelledText>() } }).Validate()).Message);
        Assert.NotEqual(data.Fingerprint, (data with { Train = data.Train with { Rows = data.Train.Rows.Reverse().ToList() } }).Fingerprint);
        Assert.Equal(data.Fingerprint, TinyModels.SeparableSplits(8, 4, 0).Fingerprint);
    }

    /// <summary>An IProgress that runs its callback synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}

public class ClassWeightsTests
{
    [Fact]
    public void InverseFrequencyIsNOverKTimesCount()
    {
        // 40 rows, 2 classes: 10 → 40/20 = 2, 30 → 40/60 = 2/3.
        var w = ClassWeights.Compute(ClassWeighting.InverseFrequency, new[] { 10, 30 })!;
        Assert.Equal(2f, w[0], 6);
        Assert.Equal(2f / 3f, w[1], 6);
        Assert.Equal(new[] { 1f, 1f, 1f }, ClassWeights.Compute(ClassWeighting.InverseFrequency, new[] { 5, 5, 5 }));
        Assert.Equal(1f, ClassWeights.Compute(ClassWeighting.InverseFrequency, new[] { 4, 0 })![1]);
        Assert.Null(ClassWeights.Compute(ClassWeighting.None, new[] { 10, 30 }));
    }
}
