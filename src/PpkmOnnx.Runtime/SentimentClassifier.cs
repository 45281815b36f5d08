using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Runtime;

/// <summary>
/// A sentiment classifier over one variant of a PpkmOnnx model package: tokenizes, groups texts into
/// length-sorted micro-batches with dynamic padding, runs ONNX Runtime and returns softmax probabilities in input order.
/// Thread-safe: one <see cref="InferenceSession"/> is shared by all callers (ONNX Runtime's Run is thread-safe).
/// Create it with <see cref="Load"/>; dispose it to free the native session.
/// </summary>
/// <remarks>
/// The work is split by job: <see cref="PackageModelFile"/> finds the variant's file, <see cref="OptimizedModelCache"/> opens
/// it, <see cref="ClassifierSession"/> (the classification core bench and the exporter use too) checks it against the
/// package and runs it, <see cref="ClassifierEncoder"/> truncates and pads, <see cref="ResultDecoder"/> turns logits into
/// results. This class plans the micro-batches and holds the public API.
/// </remarks>
public sealed class SentimentClassifier : IDisposable
{
    /// <summary>ONNX Runtime's name of the CPU provider.</summary>
    public const string CpuProviderName = OrtSessionFactory.CpuProviderName;
    /// <summary>ONNX Runtime's name of the CUDA provider.</summary>
    public const string CudaProviderName = OrtSessionFactory.CudaProviderName;

    private readonly ClassifierSession _core;
    private readonly ClassifierEncoder _encoder;
    private readonly ClassifierOptions _options;
    private int _disposed;

    /// <summary>
    /// Test seam: called on the running thread as each micro-batch is about to enter ONNX Runtime, so that a test can
    /// cancel while a classification is under way (a pre-cancelled token never reaches the runs).
    /// </summary>
    internal Action? BeforeMicroBatchRun { get; set; }

    private SentimentClassifier(ClassifierSession core, ClassifierEncoder encoder, ClassifierOptions options, ModelPackageInfo info,
        bool cacheHit, string? cachePath)
    {
        _core = core;
        _encoder = encoder;
        _options = options;
        Info = info;
        LoadedFromOptimizedModelCache = cacheHit;
        OptimizedModelCachePath = cachePath;
    }

    /// <summary>What was loaded: name, architecture, variant, provider, labels, max length, file size and hash.</summary>
    public ModelPackageInfo Info { get; }
    /// <summary>The execution provider really used (<see cref="CpuProviderName"/> or <see cref="CudaProviderName"/>).</summary>
    public string ExecutionProvider => Info.ExecutionProvider;
    /// <summary>Label names by class id.</summary>
    public IReadOnlyList<string> Labels => Info.Labels;
    /// <summary>Maximum tokens per text (including [CLS]/[SEP]); longer texts are truncated.</summary>
    public int MaxLength => Info.MaxLength;
    /// <summary>The variant loaded.</summary>
    public ModelVariant Variant => Info.Variant;
    /// <summary>The options it was loaded with.</summary>
    public ClassifierOptions Options => _options;
    /// <summary>True when the session was created from a previously saved optimized graph.</summary>
    public bool LoadedFromOptimizedModelCache { get; }
    /// <summary>The optimized-model cache file used or written, or null when the cache is off.</summary>
    public string? OptimizedModelCachePath { get; }

    /// <summary>
    /// Opens <paramref name="packageFolder"/>: the ONNX file of <see cref="ClassifierOptions.Variant"/>, labels from
    /// config.json (or <c>ppkm.labels</c> metadata), tokenizer from vocab.txt + tokenizer_config.json (or
    /// <c>ppkm.tokenizer</c> metadata) and maximum length from <c>ppkm.max_length</c> or the tokenizer.
    /// </summary>
    /// <param name="packageFolder">A model package folder (see <see cref="ModelPackageLayout"/>).</param>
    /// <param name="options">Variant, provider, threads, cache and batching; defaults when null.</param>
    /// <param name="name">The name shown in <see cref="Info"/>; the folder name when null.</param>
    /// <exception cref="UserInputException">A missing or inconsistent package, a file ONNX Runtime cannot load, or CUDA requested explicitly and unusable.</exception>
    public static SentimentClassifier Load(string packageFolder, ClassifierOptions? options = null, string? name = null)
    {
        options ??= new ClassifierOptions();
        options.Validate();
        var file = PackageModelFile.Locate(packageFolder, options.Variant);
        var (handle, cacheHit, cachePath) = OptimizedModelCache.Open(file, options);
        var core = ClassifierSession.Open(handle, file.ModelPath, file.Folder);
        try
        {
            var package = core.Package;
            var encoder = new ClassifierEncoder(package.Tokenizer, options.MaxLength is { } cap ? Math.Min(package.MaxLength, cap) : package.MaxLength);
            var info = new ModelPackageInfo(name ?? new DirectoryInfo(file.Folder).Name, package.ModelType ?? "unknown", options.Variant, core.Provider,
                package.Labels.ToArray(), encoder.MaxLength, file.ModelPath, file.FileSizeBytes, file.Sha256, core.HasTokenTypeIds);
            return new SentimentClassifier(core, encoder, options, info, cacheHit, cachePath);
        }
        catch
        {
            core.Dispose();
            throw;
        }
    }

    /// <summary>Tokens the model sees for <paramref name="text"/> (with [CLS]/[SEP], after truncation to <see cref="MaxLength"/>).</summary>
    /// <exception cref="ArgumentException">The text is null, empty or blank.</exception>
    public int CountTokens(string text)
    {
        ValidateText(text, 0);
        return _encoder.Encode(text).Length;
    }

    /// <summary>Classifies one text.</summary>
    /// <exception cref="ArgumentException">The text is null, empty or blank.</exception>
    public ClassificationResult Classify(string text) => Classify([text])[0];

    /// <summary>
    /// Classifies a batch: length-sorted micro-batches of at most <see cref="ClassifierOptions.MaxBatchSize"/> texts and
    /// <see cref="ClassifierOptions.MaxPaddedTokensPerRun"/> padded tokens, cut where padding would cost more than a run
    /// (<see cref="ClassifierOptions.RunOverheadTokens"/>), each padded to its own longest row, up to
    /// <see cref="ClassifierOptions.ParallelRuns"/> of them at once; results in input order. With
    /// <see cref="ClassifierOptions.EffectiveRunTextsAlone"/> (INT8 variants by default) every text runs alone, so its scores
    /// are the same whatever else is classified with it.
    /// </summary>
    /// <exception cref="ArgumentException">A text is null, empty or blank (the message gives its index).</exception>
    /// <exception cref="OperationCanceledException">Cancelled (between micro-batches or by terminating the run).</exception>
    public IReadOnlyList<ClassificationResult> Classify(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        for (int i = 0; i < texts.Count; i++) ValidateText(texts[i], i);
        var rows = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++) rows[i] = _encoder.Encode(texts[i]);

        var results = new ClassificationResult[texts.Count];
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        long runOverhead = _options.RunOverheadTokens
            ?? (ExecutionProvider == CudaProviderName ? ClassifierOptions.CudaRunOverheadTokens : ClassifierOptions.CpuRunOverheadTokens);
        // INT8 variants depend on their batch (dynamic INT8: one activation scale per batch): alone, a text's answer is its own.
        int maxBatchSize = _options.EffectiveRunTextsAlone ? 1 : _options.MaxBatchSize;
        var plan = MicroBatchPlan.Plan(rows.Select(r => r.Length).ToArray(), maxBatchSize, _options.MaxPaddedTokensPerRun, runOverhead);
        try
        {
            if (_options.ParallelRuns <= 1 || plan.Count == 1)
            {
                foreach (var batch in plan)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    RunMicroBatch(rows, batch, results, runOptions);
                }
            }
            else
            {
                // Micro-batches write disjoint result slots; InferenceSession.Run is safe to call concurrently.
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelRuns, CancellationToken = cancellationToken };
                Parallel.ForEach(plan, parallel, batch => RunMicroBatch(rows, batch, results, runOptions));
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("classification cancelled.", cancellationToken);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            if (cancellationToken.IsCancellationRequested) throw new OperationCanceledException("classification cancelled.", cancellationToken);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        return results;
    }

    /// <summary>Classifies one text off the calling thread.</summary>
    public async Task<ClassificationResult> ClassifyAsync(string text, CancellationToken cancellationToken = default) =>
        (await ClassifyAsync([text], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Classifies a batch off the calling thread (see <see cref="Classify(IReadOnlyList{string}, CancellationToken)"/>).</summary>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++) ValidateText(texts[i], i);
        return Task.Run(() => Classify(texts, cancellationToken), cancellationToken);
    }

    private static void ValidateText(string? text, int index)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new ArgumentException(text is null ? $"text {index} is null." : $"text {index} is empty.", "texts");
    }

    private void RunMicroBatch(int[][] rows, IReadOnlyList<int> batch, ClassificationResult[] results, RunOptions runOptions)
    {
        var encoded = _encoder.Batch(rows, batch);
        BeforeMicroBatchRun?.Invoke();
        var logits = _core.Run(encoded, runOptions);
        for (int r = 0; r < batch.Count; r++)
            results[batch[r]] = ResultDecoder.Decode(logits, r, Labels, Variant, rows[batch[r]].Length);
    }

    /// <summary>Frees the native session. Calls after disposal throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _core.Dispose();
    }
}
