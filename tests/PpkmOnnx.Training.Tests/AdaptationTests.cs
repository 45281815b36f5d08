using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Adaptation;
using PpkmOnnx.Training.Performance;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

/// <summary>Vocabulary transfer, BERT masking, the masked-LM head against the float64 reference, and the adaptation loop.</summary>
public sealed class AdaptationTests
{
    private static BertWordPieceTokenizer Tokenizer(string folder, params string[] tokens)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", tokens) + "\n");
        return BertWordPieceTokenizer.FromFolder(folder);
    }

    [Fact]
    public void Transfer_copies_shared_rows_exactly_maps_specials_by_role_and_averages_the_old_pieces()
    {
        using var temp = TestPaths.NewTempFolder();
        var source = Tokenizer(temp.Combine("old"), "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ke", "##lu", "##ar", "##ga", "rumah");
        // Specials in another order, a shared word, a word and a continuation the old vocabulary splits, and one it cannot.
        var target = Tokenizer(temp.Combine("new"), "[CLS]", "[SEP]", "[PAD]", "[UNK]", "[MASK]", "keluarga", "rumah", "##luar", "zz");
        // Old row i = (0.1·i + 1e-7, −i): values with many significant bits, so "copied" means bit for bit.
        var old = new TensorData([10, 2], Enumerable.Range(0, 10).SelectMany(i => new[] { 0.1f * i + 1e-7f, -i }).ToArray());

        var plan = VocabularyTransfer.Plan(source, target);
        var moved = VocabularyTransfer.Apply(plan, old);

        Assert.Equal(new long[] { 9, 2 }, moved.Shape);
        float[] Row(int r) => moved.Data.Skip(r * 2).Take(2).ToArray();
        float[] OldRow(int r) => old.Data.Skip(r * 2).Take(2).ToArray();
        Assert.Equal(OldRow(2), Row(0));                 // [CLS] ← old [CLS] (id 2)
        Assert.Equal(OldRow(3), Row(1));                 // [SEP]
        Assert.Equal(OldRow(0), Row(2));                 // [PAD] ← old id 0
        Assert.Equal(OldRow(1), Row(3));                 // [UNK]
        Assert.Equal(OldRow(4), Row(4));                 // [MASK]
        Assert.Equal(OldRow(9), Row(6));                 // rumah: shared, copied
        // keluarga = ke ##lu ##ar ##ga = old ids 5..8: mean (0.1·6.5 + 1e-7, −6.5).
        Assert.Equal(0.65, Row(5)[0], 6);
        Assert.Equal(-6.5f, Row(5)[1]);
        // ##luar is the inside of a word: ##lu ##ar = old ids 6, 7 (not "l"… word-start pieces).
        Assert.Equal(0.65, Row(7)[0], 6);
        Assert.Equal(-6.5f, Row(7)[1]);
        Assert.Equal(OldRow(1), Row(8));                 // zz: only [UNK] in the old vocabulary
        Assert.Equal(new[] { VocabularyTransferKind.SpecialRole, VocabularyTransferKind.SpecialRole, VocabularyTransferKind.SpecialRole, VocabularyTransferKind.SpecialRole,
            VocabularyTransferKind.SpecialRole, VocabularyTransferKind.MeanOfPieces, VocabularyTransferKind.Copied, VocabularyTransferKind.MeanOfPieces, VocabularyTransferKind.Unknown }, plan.Kinds);
        Assert.Equal(3.0, plan.MeanPiecesPerAveragedToken);   // (4 + 2) / 2

        // A 1-D table (the MLM output bias) moves with the same plan.
        var bias = VocabularyTransfer.Apply(plan, new TensorData([10], Enumerable.Range(0, 10).Select(i => (float)i).ToArray()));
        Assert.Equal(new[] { 2f, 3f, 0f, 1f, 4f, 6.5f, 9f, 6.5f, 1f }, bias.Data);
    }

    [Fact]
    public void Masking_follows_15_percent_and_80_10_10_and_never_touches_specials_or_padding()
    {
        var tokens = Enumerable.Range(0, 1000).Select(i => i < 5 ? $"[S{i}]" : $"t{i}").ToArray();
        var masker = new TokenMasker(tokens, maskId: 4, specialIds: [0, 1, 2, 3, 4], new MaskingOptions());
        var random = new Random(3);
        const int rows = 64, length = 40;
        long chosen = 0, eligible = 0, masked = 0, kept = 0, replaced = 0;
        for (int draw = 0; draw < 100; draw++)
        {
            var ids = new long[rows * length];
            var mask = new long[ids.Length];
            for (int r = 0; r < rows; r++)
            {
                int real = 10 + r % 30;
                for (int c = 0; c < length; c++)
                {
                    int i = r * length + c;
                    mask[i] = c < real ? 1 : 0;
                    ids[i] = c == 0 ? 2 : c == real - 1 ? 3 : c < real ? 5 + random.Next(995) : 0;
                }
            }
            var (input, labels) = masker.Mask(ids, mask, random);
            for (int i = 0; i < ids.Length; i++)
            {
                bool special = mask[i] == 0 || ids[i] < 5;
                if (special) { Assert.Equal(-100, labels[i]); Assert.Equal(ids[i], input[i]); continue; }
                eligible++;
                if (labels[i] == -100) { Assert.Equal(ids[i], input[i]); continue; }
                chosen++;
                Assert.Equal(ids[i], labels[i]);
                if (input[i] == 4) masked++; else if (input[i] == ids[i]) kept++; else replaced++;
            }
        }
        // ~56,000 eligible tokens: 3 standard errors of a binomial share are below 0.005 here.
        Assert.InRange((double)chosen / eligible, 0.145, 0.155);
        Assert.InRange((double)masked / chosen, 0.785, 0.815);
        Assert.InRange((double)replaced / chosen, 0.088, 0.112);
        Assert.InRange((double)kept / chosen, 0.088, 0.112);
    }

    [Fact]
    public void Whole_word_masking_chooses_a_word_with_all_its_continuations()
    {
        var tokens = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ke", "##lu", "##ar", "ga", "##ga", "x" };
        var masker = new TokenMasker(tokens, 4, [0, 1, 2, 3, 4], new MaskingOptions { Probability = 0.5, WholeWord = true });
        // [CLS] ke ##lu ##ar ga ##ga x [SEP], repeated in 200 rows.
        long[] row = [2, 5, 6, 7, 8, 9, 10, 3];
        var ids = Enumerable.Repeat(row, 200).SelectMany(r => r).ToArray();
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        var (_, labels) = masker.Mask(ids, mask, new Random(5));
        int wordsChosen = 0;
        for (int r = 0; r < 200; r++)
        {
            bool Chosen(int c) => labels[r * 8 + c] != -100;
            Assert.True(Chosen(1) == Chosen(2) && Chosen(2) == Chosen(3), $"row {r}: ke ##lu ##ar split");
            Assert.Equal(Chosen(4), Chosen(5));
            wordsChosen += (Chosen(1) ? 1 : 0) + (Chosen(4) ? 1 : 0) + (Chosen(6) ? 1 : 0);
        }
        Assert.InRange(wordsChosen / 600.0, 0.43, 0.57);
    }

    [Fact]
    public void The_mlm_loss_equals_the_float64_reference_and_the_head_round_trips_with_hugging_face_names()
    {
        using var temp = TestPaths.NewTempFolder();
        var config = TinyModels.Bert(labels: 0);
        var folder = TinyModels.SaveFresh(config, temp.Combine("base"));
        var tokenizer = BertWordPieceTokenizer.FromFolder(folder);
        torch.manual_seed(5);
        using var model = MaskedLanguageModel.Create(ModelConfig.Load(folder), SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")), folder);
        Assert.Equal(new[] { "cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
            "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias" }, model.FreshHeadTensors);
        // Make the fresh LayerNorm and bias non-trivial so the reference has something to check.
        using (torch.no_grad())
            foreach (var (_, p) in model.Head.HuggingFaceParameters()) p.add_(torch.randn_like(p) * 0.1);
        model.Train(false);

        long[] ids = [2, 9, 5, 20, 4, 11, 3];       // [CLS] … [MASK] … [SEP]
        long[] labels = [-100, -100, 5, -100, 17, 6, -100];
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();
        double actual;
        using (torch.no_grad())
            actual = model.Loss(torch.tensor(ids, [1, ids.Length]), torch.tensor(mask, [1, ids.Length]), torch.tensor(labels, [1, ids.Length])).item<float>();

        var w = model.NamedTensors();
        var hidden = ReferenceForward.Encode(w, model.Config, ids, mask, ids.Length);
        double sum = 0;
        int count = 0;
        for (int t = 0; t < ids.Length; t++)
        {
            if (labels[t] == -100) continue;
            var x = ReferenceForward.Linear(hidden[t], w["cls.predictions.transform.dense.weight"], w["cls.predictions.transform.dense.bias"]).Select(v => ReferenceForward.Act(v, "gelu")).ToArray();
            x = ReferenceForward.LayerNorm(x, w["cls.predictions.transform.LayerNorm.weight"], w["cls.predictions.transform.LayerNorm.bias"], config.LayerNormEps);
            // Decoder tied to the word embeddings: logit_v = x · E_v + b_v.
            var e = w["bert.embeddings.word_embeddings.weight"];
            var logits = Enumerable.Range(0, config.VocabSize).Select(v => Enumerable.Range(0, config.HiddenSize).Sum(j => x[j] * e.Data[v * config.HiddenSize + j]) + w["cls.predictions.bias"].Data[v]).ToArray();
            double max = logits.Max();
            sum += Math.Log(logits.Sum(l => Math.Exp(l - max))) + max - logits[labels[t]];
            count++;
        }
        Assert.Equal(sum / count, actual, 4);

        // Saved as a BertForMaskedLM folder: prefixed encoder, cls.predictions.*, no decoder copy; reloads with no fresh tensor.
        model.Save(temp.Combine("mlm"), tokenizer);
        var saved = SafeTensorsFile.Read(temp.Combine("mlm", "model.safetensors"));
        Assert.Contains("bert.encoder.layer.1.output.dense.weight", saved.Keys);
        Assert.Contains("cls.predictions.bias", saved.Keys);
        Assert.DoesNotContain(saved.Keys, k => k.Contains("decoder", StringComparison.Ordinal) || k.StartsWith("classifier", StringComparison.Ordinal));
        Assert.Contains("BertForMaskedLM", File.ReadAllText(temp.Combine("mlm", "config.json")));
        using var reloaded = MaskedLanguageModel.Create(ModelConfig.Load(temp.Combine("mlm")), saved, "saved");
        Assert.Empty(reloaded.FreshHeadTensors);
        reloaded.Train(false);
        using (torch.no_grad())
            Assert.Equal(actual, reloaded.Loss(torch.tensor(ids, [1, ids.Length]), torch.tensor(mask, [1, ids.Length]), torch.tensor(labels, [1, ids.Length])).item<float>(), 6);
        // The classifier loader reads the adapted folder and leaves the MLM head out.
        using var classifier = Checkpoints.CheckpointLoader.Load(temp.Combine("mlm"), new Checkpoints.CheckpointLoadOptions { Labels = ["a", "b"] });
        Assert.Contains("cls.predictions.bias", classifier.Ignored);
    }

    /// <summary>One fixed sentence with a distinct two-letter word at the end: all but that word is predictable.</summary>
    private static AdaptationCorpus Corpus(int count) =>
        AdaptationCorpus.Load([], null, [("synthetic", Enumerable.Range(0, count).Select(i => $"the movie was very good so i love this place {(char)('a' + i / 26 % 26)}{(char)('a' + i % 26)}").ToList())],
            [], heldOutShare: 0.1);

    private static AdaptationRunOptions Options(string model, string output) => new()
    {
        ModelPath = model, OutputPath = output, LearningRate = 3e-3, BatchSize = 16, MaxLength = 16, Epochs = 12, WarmupRatio = 0.05,
        EvalEvery = 20, SaveEvery = 1000, Device = "cpu", Seed = 9,
    };

    [Fact]
    public void A_tiny_model_learns_the_corpus_and_an_interrupted_run_resumes_to_the_same_weights()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(labels: 0), temp.Combine("base"));
        var corpus = Corpus(300);
        Assert.True(corpus.HeldOut.Count > 10 && corpus.Train.Count > 200);

        var full = DomainAdapter.Run(Options(folder, temp.Combine("full")) with { MaxSteps = 80 }, corpus);
        Assert.Equal(80, full.Steps);
        // Ten of twelve tokens are predictable: both curves fall far below the untrained start (about ln 90 ≈ 4.5).
        Assert.True(full.Curve[^1].TrainLoss < 0.5 * full.Curve[1].TrainLoss, string.Join(", ", full.Curve.Select(c => c.TrainLoss)));
        Assert.True(full.Curve[^1].HeldOutLoss < 0.5 * full.Curve[0].HeldOutLoss, string.Join(", ", full.Curve.Select(c => c.HeldOutLoss)));
        // adapt.json is the typed record, read back strictly: the run's own numbers and settings.
        var record = ModelPackage.ReadAdaptRecord(temp.Combine("full", DomainAdapter.RecordFile));
        Assert.Equal((ArtifactRecord.CurrentSchemaVersion, "adapt", "completed", 80L, 0L), (record.SchemaVersion, record.Stage, record.Status, record.Steps, record.ResumedAtStep));
        Assert.Equal(full.Curve, record.Curve);
        Assert.Equal(("kept", null), (record.Vocabulary.Source, record.Vocabulary.Transfer));
        Assert.Equal((corpus.Train.Count, corpus.HeldOut.Count, corpus.Fingerprint), (record.Corpus.Train, record.Corpus.HeldOut, record.Corpus.Fingerprint));
        Assert.Equal((3e-3, 16, 16, 80, 9), (record.Hyperparameters.LearningRate, record.Hyperparameters.BatchSize, record.Hyperparameters.MaxLength, record.Hyperparameters.MaxSteps, record.Hyperparameters.Seed));
        Assert.Null(record.Corpus.Details);
        // The process settings training.json records too, here the defaults (each mode is tested end to end in
        // ProcessSettingsCliTests).
        if (Environment.GetEnvironmentVariable(MklKernels.ModeVariable) is null && Environment.GetEnvironmentVariable(HeapSettings.ModeVariable) is null && OperatingSystem.IsLinux())
            Assert.Equal(("auto", "reuse", 32 << 20), ((string)record.Performance!["mkl_kernels"]!["mode"]!,
                (string)record.Performance["malloc"]!["mode"]!, (int)record.Performance["malloc"]!["mmap_threshold_bytes"]!));
        // At its peak the process held the weights, FlatAdamW's gradient buffer and both moments: four float32 copies of
        // what model.safetensors stores, so at least three times that file (its header is small).
        long savedWeights = new FileInfo(temp.Combine("full", "model.safetensors")).Length;
        Assert.True((double)record.Performance!["peak_resident_mb"]! >= 3.0 * savedWeights / 1048576.0);
        Assert.False(Directory.Exists(temp.Combine("full", "resume")));

        // Cancelled at step 30, then resumed: the same weights as the uninterrupted run.
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgressForTests(p => { if (p.GlobalStep == 30) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DomainAdapter.Run(Options(folder, temp.Combine("cut")) with { MaxSteps = 80 }, corpus, null, progress, cts.Token));
        Assert.True(File.Exists(temp.Combine("cut", "resume", "state.json")));
        // A resume that would end at or before the step it is at would train nothing and write weights it never scored: refused.
        foreach (var maxSteps in new[] { 30, 20 })
        {
            var early = Assert.Throws<SettingsAdviceException>(() => DomainAdapter.Run(Options(folder, temp.Combine("cut")) with { MaxSteps = maxSteps, Resume = true }, corpus));
            Assert.Contains($"the interrupted run is at step 30, and this run ends at step {maxSteps} (MaxSteps, Epochs); raise them to continue it, or start afresh without Resume.", early.Message);
        }
        Assert.True(File.Exists(temp.Combine("cut", "resume", "state.json")));
        var resumed = DomainAdapter.Run(Options(folder, temp.Combine("cut")) with { MaxSteps = 80, Resume = true }, corpus);
        Assert.Equal(30, resumed.ResumedAtStep);
        var a = SafeTensorsFile.Read(temp.Combine("full", "model.safetensors"));
        var b = SafeTensorsFile.Read(temp.Combine("cut", "model.safetensors"));
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys) Assert.True(a[key].Data.SequenceEqual(b[key].Data), key);
        Assert.Equal(full.Curve.Select(c => c.HeldOutLoss), resumed.Curve.Select(c => c.HeldOutLoss));
    }

    [Fact]
    public void Counter_dropout_and_bfloat16_where_the_cpu_has_it_learn_the_corpus_and_are_recorded()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(labels: 0), temp.Combine("base"));
        var compute = new ModelComputeOptions
        {
            Dropout = DropoutKernel.Counter,
            Precision = CpuFeatures.Current.HasBf16 ? ComputePrecision.BFloat16 : ComputePrecision.Float32,
        };
        var result = DomainAdapter.Run(Options(folder, temp.Combine("out")) with { MaxSteps = 80, Compute = compute }, Corpus(300));
        // The same bar as the float32 run above: both curves fall below half their start.
        Assert.True(result.Curve[^1].TrainLoss < 0.5 * result.Curve[1].TrainLoss, string.Join(", ", result.Curve.Select(c => c.TrainLoss)));
        Assert.True(result.Curve[^1].HeldOutLoss < 0.5 * result.Curve[0].HeldOutLoss, string.Join(", ", result.Curve.Select(c => c.HeldOutLoss)));
        var hyper = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(temp.Combine("out", DomainAdapter.RecordFile)))!["hyperparameters"]!;
        Assert.Equal("counter", hyper["dropout"]!.GetValue<string>());
        Assert.Equal(compute.PrecisionName, hyper["precision"]!.GetValue<string>());
        Assert.Equal("eager", hyper["attention"]!.GetValue<string>());
    }

    [Fact]
    public void Zero_steps_moves_the_checkpoint_to_the_new_vocabulary_and_writes_a_loadable_folder()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(labels: 0), temp.Combine("base"));
        Tokenizer(temp.Combine("vocab"), "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "goodbad");
        var result = DomainAdapter.Run(Options(folder, temp.Combine("out")) with { MaxSteps = 0, VocabularyPath = temp.Combine("vocab", "vocab.txt") }, Corpus(40));
        Assert.Equal(0, result.Steps);

        var old = SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors"))["embeddings.word_embeddings.weight"];   // a base folder: no prefix
        var moved = SafeTensorsFile.Read(temp.Combine("out", "model.safetensors"))["bert.embeddings.word_embeddings.weight"];
        int h = (int)old.Shape[1];
        Assert.Equal(new long[] { 7, h }, moved.Shape);
        var oldTokens = TinyModels.Vocabulary().ToList();
        float[] OldRow(string token) => old.Data.Skip(oldTokens.IndexOf(token) * h).Take(h).ToArray();
        Assert.Equal(OldRow("good"), moved.Data.Skip(5 * h).Take(h).ToArray());
        // goodbad = good ##b ##a ##d under the old vocabulary: the mean of those four rows.
        var pieces = new[] { "good", "##b", "##a", "##d" }.Select(OldRow).ToArray();
        for (int j = 0; j < h; j++) Assert.Equal(pieces.Average(r => (double)r[j]), moved.Data[6 * h + j], 5);
        Assert.Equal(7, ModelConfig.Load(temp.Combine("out")).VocabSize);
        Assert.Equal(7, BertWordPieceTokenizer.FromFolder(temp.Combine("out")).VocabularySize);
    }

    [Fact]
    public void Resume_without_a_resume_point_and_a_vocabulary_without_mask_are_refused_before_anything_is_written()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(labels: 0), temp.Combine("base"));
        UserInputException e = Assert.Throws<SettingsAdviceException>(() => DomainAdapter.Run(Options(folder, temp.Combine("out")) with { Resume = true }, Corpus(50)));
        Assert.Equal($"{temp.Combine("out")}: Resume was given but there is no resume point (resume/state.json) to continue from; run without Resume to start afresh.", e.Message);
        Tokenizer(temp.Combine("nomask"), "[PAD]", "[UNK]", "[CLS]", "[SEP]", "good");
        e = Assert.Throws<UserInputException>(() => DomainAdapter.Run(Options(folder, temp.Combine("out")) with { VocabularyPath = temp.Combine("nomask", "vocab.txt") }, Corpus(50)));
        Assert.Contains("[MASK]", e.Message);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void A_finished_or_interrupted_adaptation_is_replaced_only_with_force_and_never_written_over_its_model()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(labels: 0), temp.Combine("base"));
        var corpus = Corpus(100);
        var output = temp.Combine("out");
        var options = Options(folder, output) with { MaxSteps = 3 };

        var intoItself = Assert.Throws<UserInputException>(() => DomainAdapter.Run(options with { OutputPath = folder, Force = true }, corpus));
        Assert.Equal($"{folder}: is the model being adapted; name another folder for the result.", intoItself.Message);

        DomainAdapter.Run(options, corpus);
        var weights = File.ReadAllBytes(Path.Combine(output, "model.safetensors"));
        var finished = Assert.Throws<SettingsAdviceException>(() => DomainAdapter.Run(options, corpus));
        Assert.Equal($"{output}: holds a finished checkpoint (adapt.json is there); choose another output or pass Force to replace it.", finished.Message);
        var resumeFinished = Assert.Throws<SettingsAdviceException>(() => DomainAdapter.Run(options with { Resume = true }, corpus));
        Assert.Equal($"{output}: Resume was given but the run there finished (adapt.json is there), so there is nothing to continue; run without Resume to start afresh (with Force to replace what is there).", resumeFinished.Message);
        // A forced run that fails before it starts (a vocabulary without [MASK]) replaces nothing.
        Tokenizer(temp.Combine("nomask"), "[PAD]", "[UNK]", "[CLS]", "[SEP]", "good");
        Assert.Contains("[MASK]", Assert.Throws<UserInputException>(() => DomainAdapter.Run(options with { Force = true, VocabularyPath = temp.Combine("nomask", "vocab.txt") }, corpus)).Message);
        Assert.True(File.Exists(Path.Combine(output, "adapt.json")));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(output, "model.safetensors")));

        // Interrupted at step 2 of a forced rerun, before a resume point of its own: the finished run is back, byte for byte.
        var finishedFiles = Directory.GetFiles(output).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        using (var early = new CancellationTokenSource())
        {
            var stopAtTwo = new SyncProgressForTests(p => { if (p.GlobalStep == 2) early.Cancel(); });
            Assert.ThrowsAny<OperationCanceledException>(() => DomainAdapter.Run(options with { Force = true, Seed = 10 }, corpus, null, stopAtTwo, early.Token));
        }
        var afterEarly = Directory.GetFiles(output).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        Assert.Equal(finishedFiles.Select(f => f.Item1), afterEarly.Select(f => f.Item1));
        for (int i = 0; i < finishedFiles.Count; i++) Assert.Equal(finishedFiles[i].Item2, afterEarly[i].Item2);
        Assert.Equal(["(none)"], Directory.GetDirectories(output).DefaultIfEmpty("(none)"));

        // Interrupted at step 2 of a forced rerun that saved a resume point at step 1: that resume point replaces the finished run.
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgressForTests(p => { if (p.GlobalStep == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DomainAdapter.Run(options with { Force = true, Seed = 10, SaveEvery = 1 }, corpus, null, progress, cts.Token));
        Assert.False(File.Exists(Path.Combine(output, "adapt.json")));
        Assert.False(File.Exists(Path.Combine(output, "model.safetensors")));
        var interrupted = Assert.Throws<SettingsAdviceException>(() => DomainAdapter.Run(options with { Seed = 10 }, corpus));
        Assert.Equal($"{output}: holds an interrupted run's resume point; pass Resume to continue it or Force to start afresh.", interrupted.Message);
        var resumed = DomainAdapter.Run(options with { Seed = 10, SaveEvery = 1, Resume = true }, corpus);
        Assert.Equal(2, resumed.ResumedAtStep);
        Assert.NotEqual(weights, File.ReadAllBytes(Path.Combine(output, "model.safetensors")));
        Assert.False(Directory.Exists(Path.Combine(output, "resume")));
    }

    private sealed class SyncProgressForTests(Action<TrainingProgress> onReport) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => onReport(value);
    }
}
