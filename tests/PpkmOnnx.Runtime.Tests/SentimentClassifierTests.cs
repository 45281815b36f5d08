using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Runtime.Tests;

public sealed class SentimentClassifierTests : IDisposable
{
    private static readonly string[] Tweets =
    [
        "PPKM bagus!",
        "vaksin corona di jakarta, kasus turun. warga senang sekali",
        "pasar sepi",
        "tidak suka PPKM lagi, kerja dari rumah aja jelek",
        "bantuan sosial?",
        "#ppkm @pemerintah kasus naik, warga sedih dan pasar sepi, bantuan sosial tidak ada",
        "senang",
        "kerja kerja kerja",
    ];

    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public void Dispose() => _temp.Dispose();

    private (TinyPackage Model, string Folder) Package(int seed, bool tokenTypes = true, int maxLength = 16)
    {
        var model = TinyPackage.Create(seed, tokenTypes, maxLength);
        var folder = _temp.Combine($"pkg-{seed}-{tokenTypes}-{maxLength}");
        model.WriteTo(folder);
        return (model, folder);
    }

    private static ClassifierOptions Cpu => new() { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1 };

    private static void AssertMatches(TinyPackage model, string folder, string text, ClassificationResult result)
    {
        var logits = model.ExpectedLogits(folder, text);
        var probabilities = model.ExpectedProbabilities(folder, text);
        for (int c = 0; c < logits.Length; c++)
        {
            Assert.Equal(logits[c], result.Logits[c], 4);
            Assert.Equal(probabilities[c], result.Probabilities[c], 5);
        }
        int best = Array.IndexOf(probabilities, probabilities.Max());
        Assert.Equal(TinyPackage.LabelNames[best], result.Label);
        Assert.Equal(best, result.LabelId);
        Assert.Equal(model.TokenIds(folder, text).Count, result.TokenCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Classify_matches_the_hand_computation(bool tokenTypes)
    {
        var (model, folder) = Package(11, tokenTypes);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        Assert.Equal(tokenTypes, classifier.Info.HasTokenTypeIds);
        Assert.Equal(tokenTypes ? "bert" : "distilbert", classifier.Info.Architecture);
        foreach (var text in Tweets) AssertMatches(model, folder, text, classifier.Classify(text));
        // The weights are random; make sure the texts exercise more than one class.
        Assert.True(Tweets.Select(t => classifier.Classify(t).Label).Distinct().Count() >= 2);
    }

    [Fact]
    public void Scores_list_every_label_sorted_by_probability()
    {
        var (_, folder) = Package(12);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        var result = classifier.Classify(Tweets[1]);
        Assert.Equal(TinyPackage.LabelNames.Order(), result.Scores.Select(s => s.Label).Order());
        Assert.Equal(result.Scores.Select(s => s.Score).OrderDescending(), result.Scores.Select(s => s.Score));
        Assert.Equal(result.Label, result.Scores[0].Label);
        Assert.Equal(1.0, result.Probabilities.Sum(), 5);
    }

    [Theory]
    [InlineData(1, null)]
    [InlineData(1, 0L)]
    [InlineData(3, null)]
    [InlineData(4, 0L)]
    public void Batch_results_are_in_input_order_and_equal_single_results_across_micro_batches(int parallelRuns, long? runOverheadTokens)
    {
        var (model, folder) = Package(13);
        // Tiny limits (and, with overhead 0, a cut at every length change) force several micro-batches of mixed lengths,
        // run one after another or several at once.
        using var classifier = SentimentClassifier.Load(folder, Cpu with
        {
            MaxBatchSize = 3, MaxPaddedTokensPerRun = 24, ParallelRuns = parallelRuns, RunOverheadTokens = runOverheadTokens,
        });
        var texts = Tweets.Concat(Tweets.Reverse()).ToArray();
        var batch = classifier.Classify(texts);
        Assert.Equal(texts.Length, batch.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            AssertMatches(model, folder, texts[i], batch[i]);
            var single = classifier.Classify(texts[i]);
            for (int c = 0; c < 3; c++) Assert.Equal(single.Probabilities[c], batch[i].Probabilities[c], 5);
        }
    }

    [Fact]
    public void Long_texts_are_truncated_to_the_package_max_length()
    {
        var (model, folder) = Package(14, maxLength: 8);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        Assert.Equal(8, classifier.MaxLength);
        var text = string.Join(' ', Enumerable.Repeat("vaksin senang sedih", 10));
        var result = classifier.Classify(text);
        Assert.Equal(8, result.TokenCount);
        Assert.Equal(8, classifier.CountTokens(text));
        AssertMatches(model, folder, text, result);
    }

    [Fact]
    public void Options_max_length_caps_the_package_length()
    {
        var (_, folder) = Package(15, maxLength: 16);
        using var classifier = SentimentClassifier.Load(folder, Cpu with { MaxLength = 5 });
        Assert.Equal(5, classifier.Classify(string.Join(' ', Enumerable.Repeat("ppkm", 20))).TokenCount);
    }

    [Fact]
    public void Auto_provider_falls_back_to_cpu_and_reports_the_provider_used()
    {
        var (model, folder) = Package(16);
        using var classifier = SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Auto });
        bool cudaUsable = CudaUsable(folder);
        Assert.Equal(cudaUsable ? SentimentClassifier.CudaProviderName : SentimentClassifier.CpuProviderName, classifier.ExecutionProvider);
        AssertMatches(model, folder, Tweets[0], classifier.Classify(Tweets[0]));
    }

    [SkippableFact]
    public void Explicit_cuda_fails_clearly_without_cuda()
    {
        var (_, folder) = Package(17);
        Skip.If(CudaUsable(folder), "CUDA works on this machine; the failure path cannot be exercised.");
        var e = Assert.Throws<UserInputException>(() => SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cuda }));
        Assert.Contains("CUDA execution provider is not usable", e.Message);
    }

    // Independent of the classifier: does ONNX Runtime accept CUDA at all on this machine?
    private static bool CudaUsable(string folder)
    {
        try
        {
            using var so = new SessionOptions();
            so.AppendExecutionProvider_CUDA(0);
            using var session = new InferenceSession(ModelPackageLayout.ModelPath(folder, ModelVariant.Fp32), so);
            return true;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Many_parallel_callers_share_one_classifier_and_get_correct_results()
    {
        var (model, folder) = Package(18);
        using var classifier = SentimentClassifier.Load(folder, Cpu with { MaxBatchSize = 4 });
        var expected = Tweets.ToDictionary(t => t, t => model.ExpectedProbabilities(folder, t));
        var tasks = Enumerable.Range(0, 24).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; i < 15; i++)
            {
                var texts = Enumerable.Range(0, 1 + (worker + i) % 5).Select(k => Tweets[(worker * 7 + i * 3 + k) % Tweets.Length]).ToArray();
                var results = (worker + i) % 2 == 0 ? await classifier.ClassifyAsync(texts) : classifier.Classify(texts);
                for (int k = 0; k < texts.Length; k++)
                    for (int c = 0; c < 3; c++) Assert.Equal(expected[texts[k]][c], results[k].Probabilities[c], 5);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
    }

    [Fact]
    public void Bad_batching_options_are_rejected()
    {
        var (_, folder) = Package(20);
        Assert.Contains("ParallelRuns", Assert.Throws<ArgumentException>(() => SentimentClassifier.Load(folder, Cpu with { ParallelRuns = 0 })).Message);
        Assert.Contains("RunOverheadTokens", Assert.Throws<ArgumentException>(() => SentimentClassifier.Load(folder, Cpu with { RunOverheadTokens = -1 })).Message);
    }

    [Fact]
    public async Task Already_cancelled_token_stops_async_classification_before_it_starts()
    {
        var (_, folder) = Package(19);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        int runs = 0;
        classifier.BeforeMicroBatchRun = () => Interlocked.Increment(ref runs);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => classifier.ClassifyAsync(Tweets, cts.Token));
        Assert.Equal(0, runs);
    }

    /// <summary>
    /// The token is cancelled as micro-batch <paramref name="cancelAtRun"/> (of 64 one-text micro-batches) enters ONNX
    /// Runtime. The cancellation sets the run's terminate flag, so ONNX Runtime refuses that very run: even cancelling at
    /// the last micro-batch, where no check between micro-batches is left, ends the call with OperationCanceledException
    /// for that token rather than results. No further micro-batch starts (in parallel, one other may already be on its
    /// way in). The classifier stays usable.
    /// </summary>
    [Theory]
    [InlineData(1, 2)]
    [InlineData(1, 64)]
    [InlineData(2, 2)]
    public async Task Cancelling_while_a_classification_runs_stops_it_and_leaves_the_classifier_usable(int parallelRuns, int cancelAtRun)
    {
        var (model, folder) = Package(19);
        using var classifier = SentimentClassifier.Load(folder, Cpu with { MaxBatchSize = 1, RunTextsAlone = true, ParallelRuns = parallelRuns });
        var texts = Enumerable.Repeat(Tweets, 8).SelectMany(t => t).ToArray();
        Assert.Equal(64, texts.Length);
        using var cts = new CancellationTokenSource();
        int runs = 0;
        classifier.BeforeMicroBatchRun = () =>
        {
            if (Interlocked.Increment(ref runs) == cancelAtRun) cts.Cancel();
        };

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => classifier.ClassifyAsync(texts, cts.Token));
        Assert.Equal(cts.Token, e.CancellationToken);
        if (parallelRuns == 1) Assert.Equal(cancelAtRun, Volatile.Read(ref runs));
        else Assert.InRange(Volatile.Read(ref runs), cancelAtRun, cancelAtRun + parallelRuns - 1);

        classifier.BeforeMicroBatchRun = null;
        var again = classifier.Classify(Tweets);
        for (int i = 0; i < Tweets.Length; i++) AssertMatches(model, folder, Tweets[i], again[i]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_text_is_rejected(string text)
    {
        var (_, folder) = Package(20);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        var e = Assert.Throws<ArgumentException>(() => classifier.Classify(["ppkm", text]));
        Assert.Contains("text 1 is empty", e.Message);
        Assert.Throws<ArgumentException>(() => classifier.Classify(text));
    }

    [Fact]
    public void Info_describes_the_file_loaded()
    {
        var (_, folder) = Package(21);
        using var classifier = SentimentClassifier.Load(folder, Cpu, name: "tiny");
        var path = ModelPackageLayout.ModelPath(folder, ModelVariant.Fp32);
        Assert.Equal("tiny", classifier.Info.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), classifier.Info.Sha256);
        Assert.Equal(new FileInfo(path).Length, classifier.Info.FileSizeBytes);
        Assert.Equal(TinyPackage.LabelNames, classifier.Labels);
        Assert.Equal("fp32", classifier.Info.VariantName);
        Assert.Equal(16, classifier.MaxLength);
    }

    [Fact]
    public void The_requested_variant_file_is_loaded()
    {
        var (fp32, folder) = Package(22);
        var int8 = TinyPackage.Create(99);
        int8.WriteTo(folder, ModelVariant.Int8);
        using var classifier = SentimentClassifier.Load(folder, Cpu with { Variant = ModelVariant.Int8 });
        var result = classifier.Classify(Tweets[3]);
        Assert.Equal(ModelVariant.Int8, result.Variant);
        AssertMatches(int8, folder, Tweets[3], result);
        Assert.NotEqual(fp32.ExpectedLogits(folder, Tweets[3])[0], result.Logits[0], 3);
    }

    [Fact]
    public async Task Float16_logits_are_read_as_float32()
    {
        var model = TinyPackage.Create(32);
        var folder = _temp.Combine("fp16");
        model.WriteTo(folder, ModelVariant.Fp16, float16Logits: true);
        using var classifier = SentimentClassifier.Load(folder, Cpu with { Variant = ModelVariant.Fp16 });
        var result = await classifier.ClassifyAsync(Tweets[5]);
        Assert.Equal(ModelVariant.Fp16, result.Variant);
        var expected = model.ExpectedLogits(folder, Tweets[5]);
        // float16 keeps about three significant digits.
        for (int c = 0; c < 3; c++) Assert.InRange(result.Logits[c], expected[c] - 0.01 * Math.Max(1, Math.Abs(expected[c])), expected[c] + 0.01 * Math.Max(1, Math.Abs(expected[c])));
    }

    [Fact]
    public void Labels_and_max_length_come_from_metadata_when_config_json_is_absent()
    {
        var model = TinyPackage.Create(23, withTokenTypeIds: false, maxLength: 10);
        var folder = _temp.Combine("meta");
        model.WriteTo(folder, writeConfig: false, writeMetadata: true, labels: ["neg", "net", "pos"]);
        using var classifier = SentimentClassifier.Load(folder, Cpu);
        Assert.Equal(["neg", "net", "pos"], classifier.Labels);
        Assert.Equal(10, classifier.MaxLength);
        Assert.Equal("distilbert", classifier.Info.Architecture);
    }

    [Fact]
    public void A_package_whose_vocabulary_outgrows_its_embedding_table_is_refused_at_load()
    {
        // Without the check the package loads, and the first text using a late token fails inside ONNX Runtime's Gather.
        var folder = _temp.Combine("long-vocab");
        TinyPackage.Create(27).WriteTo(folder);
        File.AppendAllLines(Path.Combine(folder, "vocab.txt"), ["ppkmbaru"]);
        var e = Assert.Throws<UserInputException>(() => SentimentClassifier.Load(folder, Cpu));
        Assert.StartsWith($"{Path.Combine(folder, "vocab.txt")}: {TinyPackage.TweetVocabulary.Length + 1} tokens but the word-embedding table has {TinyPackage.TweetVocabulary.Length} rows", e.Message);
    }

    [Fact]
    public void Missing_folder_model_vocab_or_labels_fail_clearly()
    {
        Assert.Throws<UserInputException>(() => SentimentClassifier.Load(_temp.Combine("nowhere"), Cpu));

        var (_, folder) = Package(24);
        var e = Assert.Throws<UserInputException>(() => SentimentClassifier.Load(folder, Cpu with { Variant = ModelVariant.Fp16 }));
        Assert.Contains("model.fp16.onnx", e.Message);
        Assert.Contains("available: fp32", e.Message);

        var noConfig = _temp.Combine("no-config");
        TinyPackage.Create(25).WriteTo(noConfig, writeConfig: false);
        var noLabels = Assert.Throws<UserInputException>(() => SentimentClassifier.Load(noConfig, Cpu));
        Assert.Contains("config.json not found", noLabels.Message);

        var noVocab = _temp.Combine("no-vocab");
        TinyPackage.Create(26).WriteTo(noVocab);
        File.Delete(Path.Combine(noVocab, "vocab.txt"));
        Assert.Contains("vocab.txt", Assert.Throws<UserInputException>(() => SentimentClassifier.Load(noVocab, Cpu)).Message);

        var twoLabels = _temp.Combine("two-labels");
        TinyPackage.Create(27).WriteTo(twoLabels, labels: ["bad", "good"]);
        Assert.Contains("outputs 3 logits", Assert.Throws<UserInputException>(() => SentimentClassifier.Load(twoLabels, Cpu)).Message);

        var notOnnx = _temp.Combine("not-onnx");
        TinyPackage.Create(28).WriteTo(notOnnx);
        File.WriteAllText(ModelPackageLayout.ModelPath(notOnnx, ModelVariant.Fp32), "not a model");
        Assert.Contains("ONNX Runtime cannot load this model", Assert.Throws<UserInputException>(() => SentimentClassifier.Load(notOnnx, Cpu)).Message);
    }

    [Fact]
    public void Unknown_variant_names_and_values_are_rejected()
    {
        Assert.Contains("unknown model variant 'int4'", Assert.Throws<UserInputException>(() => ModelPackageLayout.ParseVariant("int4")).Message);
        var (_, folder) = Package(29);
        Assert.ThrowsAny<ArgumentException>(() => SentimentClassifier.Load(folder, Cpu with { Variant = (ModelVariant)42 }));
        Assert.Throws<ArgumentException>(() => SentimentClassifier.Load(folder, Cpu with { MaxBatchSize = 0 }));
    }

    [Fact]
    public void Optimized_model_cache_is_written_once_then_reused()
    {
        var (model, folder) = Package(30);
        var cache = _temp.Combine("cache");
        var options = Cpu with { OptimizedModelCacheFolder = cache };
        string path;
        using (var first = SentimentClassifier.Load(folder, options))
        {
            Assert.False(first.LoadedFromOptimizedModelCache);
            path = first.OptimizedModelCachePath!;
            Assert.True(File.Exists(path));
            Assert.Contains(first.Info.Sha256[..16], Path.GetFileName(path));
            Assert.Contains(CpuFeatures.Current.CacheTag, Path.GetFileName(path));
            AssertMatches(model, folder, Tweets[1], first.Classify(Tweets[1]));
        }
        var written = File.GetLastWriteTimeUtc(path);
        using (var second = SentimentClassifier.Load(folder, options))
        {
            Assert.True(second.LoadedFromOptimizedModelCache);
            Assert.Equal(path, second.OptimizedModelCachePath);
            AssertMatches(model, folder, Tweets[1], second.Classify(Tweets[1]));
        }
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Single(Directory.GetFiles(cache));

        // A different optimization level is a different cache entry.
        using (var basic = SentimentClassifier.Load(folder, options with { OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC }))
            Assert.False(basic.LoadedFromOptimizedModelCache);
        Assert.Equal(2, Directory.GetFiles(cache).Length);

        // A damaged entry is rebuilt rather than trusted.
        File.WriteAllText(path, "garbage");
        using (var rebuilt = SentimentClassifier.Load(folder, options))
        {
            Assert.False(rebuilt.LoadedFromOptimizedModelCache);
            AssertMatches(model, folder, Tweets[2], rebuilt.Classify(Tweets[2]));
        }
    }

    [Fact]
    public void Disposed_classifier_refuses_work()
    {
        var (_, folder) = Package(31);
        var classifier = SentimentClassifier.Load(folder, Cpu);
        classifier.Dispose();
        classifier.Dispose();
        Assert.Throws<ObjectDisposedException>(() => classifier.Classify("ppkm"));
    }
}
