using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime.Sessions;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Runtime;

/// <summary>
/// A sentiment classifier over one variant of a PpkmOnnx model package: tokenizes, groups texts into
/// length-sorted micro-batches with dynamic padding, runs ONNX Runtime and returns softmax probabilities in input order.
/// Thread-safe: one <see cref="InferenceSession"/> is shared by all callers (ONNX Runtime's Run is thread-safe).
/// Create it with <see cref="Load"/>; dispose it to free the native session.
/// </summary>
public sealed class SentimentClassifier : IDisposable
{
    /// <summary>ONNX Runtime's name of the CPU provider.</summary>
    public const string CpuProviderName = OrtSessionFactory.CpuProviderName;
    /// <summary>ONNX Runtime's name of the CUDA provider.</summary>
    public const string CudaProviderName = OrtSessionFactory.CudaProviderName;

    private readonly OrtSessionHandle _handle;
    private readonly InferenceSession _session;
    private readonly BertWordPieceTokenizer _tokenizer;
    private readonly ClassifierOptions _options;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _hasTokenTypeIds;
    private int _disposed;

    /// <summary>
    /// Test seam: called on the running thread as each micro-batch is about to enter ONNX Runtime, so that a test can
    /// cancel while a classification is under way (a pre-cancelled token never reaches the runs).
    /// </summary>
    internal Action? BeforeMicroBatchRun { get; set; }

    private SentimentClassifier(OrtSessionHandle handle, BertWordPieceTokenizer tokenizer, ClassifierOptions options,
        ModelPackageInfo info, string[] inputNames, string outputName, bool cacheHit, string? cachePath)
    {
        _handle = handle;
        _session = handle.Session;
        _tokenizer = tokenizer;
        _options = options;
        Info = info;
        _hasTokenTypeIds = info.HasTokenTypeIds;
        _inputNames = inputNames;
        _outputNames = [outputName];
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
        var folder = Path.GetFullPath(packageFolder);
        ModelPackageLayout.RequirePackage(folder);
        var modelPath = ModelPackageLayout.ModelPath(folder, options.Variant);
        if (!File.Exists(modelPath))
        {
            var available = ModelPackageLayout.AvailableVariants(folder).Select(ModelPackageLayout.VariantName).ToList();
            throw new UserInputException(
                $"{modelPath}: the {ModelPackageLayout.VariantName(options.Variant)} variant is not in this package (available: {(available.Count == 0 ? "none" : string.Join(", ", available))}).");
        }
        var vocabPath = Path.Combine(folder, ModelPackage.VocabularyFile);
        if (!File.Exists(vocabPath)) throw new UserInputException($"{vocabPath}: vocabulary not found in the model package.");

        var fileInfo = new FileInfo(modelPath);
        string sha256;
        using (var stream = File.OpenRead(modelPath)) sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));

        var (handle, cacheHit, cachePath) = OpenSession(modelPath, sha256, options);
        try
        {
            return Describe(handle, folder, name ?? new DirectoryInfo(folder).Name, modelPath, fileInfo.Length, sha256, options, cacheHit, cachePath);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SentimentClassifier Describe(OrtSessionHandle handle, string folder, string name, string modelPath, long size,
        string sha256, ClassifierOptions options, bool cacheHit, string? cachePath)
    {
        var session = handle.Session;
        var provider = handle.Provider;
        var inputNames = ModelGraphNames.ClassifierInputs(session.InputMetadata.Keys, modelPath);
        var outputs = session.OutputMetadata;
        var outputName = ModelGraphNames.ClassifierOutput(outputs.Keys, modelPath);
        var outputMeta = outputs[outputName];
        if (outputMeta.Dimensions.Length != 2)
            throw new UserInputException($"{modelPath}: output '{outputName}' has rank {outputMeta.Dimensions.Length}, expected logits [batch, num_labels] (is this a base model without a classification head?).");

        var package = ModelPackage.Read(folder, session.ModelMetadata.CustomMetadataMap, modelPath);
        var labels = package.Labels;
        var configPath = package.ConfigPath;
        if (labels.Count == 0)
            throw new UserInputException(package.HasConfig
                ? $"{configPath}: no id2label and {Path.GetFileName(modelPath)} has no {ModelPackageLayout.MetadataLabels} metadata; cannot name the classes."
                : $"{configPath}: config.json not found and {Path.GetFileName(modelPath)} has no {ModelPackageLayout.MetadataLabels} metadata; cannot name the classes.");
        long numOutputs = outputMeta.Dimensions[1];
        if (numOutputs > 0 && numOutputs != labels.Count)
            throw new UserInputException($"{modelPath}: the graph outputs {numOutputs} logits but the package names {labels.Count} labels.");

        var tokenizer = package.Tokenizer;
        int maxLength = options.MaxLength is { } cap ? Math.Min(package.MaxLength, cap) : package.MaxLength;
        var architecture = package.ModelType ?? "unknown";

        var info = new ModelPackageInfo(name, architecture, options.Variant, provider, labels.ToArray(), maxLength, modelPath, size, sha256,
            inputNames.Contains(ModelGraphNames.TokenTypeIds));
        return new SentimentClassifier(handle, tokenizer, options, info, inputNames, outputName, cacheHit, cachePath);
    }

    private static (OrtSessionHandle Handle, bool CacheHit, string? CachePath) OpenSession(string modelPath, string sha256, ClassifierOptions options)
    {
        var settings = new SessionSettings
        {
            ExecutionProvider = options.ExecutionProvider,
            CudaDeviceId = options.CudaDeviceId,
            OptimizationLevel = options.OptimizationLevel,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
        };
        bool cacheHit = false;
        string? cachePath = null;
        var handle = OrtSessionFactory.Create(settings, (sessionOptions, provider) =>
        {
            var (session, hit, path) = CreateSession(modelPath, sha256, provider, options, sessionOptions);
            (cacheHit, cachePath) = (hit, path);
            return session;
        }, modelPath);
        return (handle, cacheHit, cachePath);
    }

    private static (InferenceSession Session, bool CacheHit, string? CachePath) CreateSession(string modelPath, string sha256, string provider,
        ClassifierOptions options, SessionOptions sessionOptions)
    {
        if (options.OptimizedModelCacheFolder is null) return (new InferenceSession(modelPath, sessionOptions), false, null);

        OutputFolder.Create(options.OptimizedModelCacheFolder);
        var key = $"{sha256[..16]}-{provider.Replace("ExecutionProvider", "", StringComparison.Ordinal).ToLowerInvariant()}-{LevelTag(options.OptimizationLevel)}-{CpuFeatures.Current.CacheTag}";
        var cachePath = Path.Combine(Path.GetFullPath(options.OptimizedModelCacheFolder), key + ".onnx");
        if (File.Exists(cachePath))
        {
            var level = sessionOptions.GraphOptimizationLevel;
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            try
            {
                return (new InferenceSession(cachePath, sessionOptions), true, cachePath);
            }
            catch (OnnxRuntimeException)
            {
                // A damaged cache entry is rebuilt, never trusted.
                File.Delete(cachePath);
            }
            finally
            {
                sessionOptions.GraphOptimizationLevel = level;
            }
        }
        // ONNX Runtime writes the optimized graph itself; give it a temporary name and rename, so no half-written cache exists.
        var temp = cachePath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        sessionOptions.OptimizedModelFilePath = temp;
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        finally
        {
            sessionOptions.OptimizedModelFilePath = "";
        }
        if (File.Exists(temp)) File.Move(temp, cachePath, overwrite: true);
        return (session, false, cachePath);
    }

    private static string LevelTag(GraphOptimizationLevel level) => level switch
    {
        GraphOptimizationLevel.ORT_DISABLE_ALL => "none",
        GraphOptimizationLevel.ORT_ENABLE_BASIC => "basic",
        GraphOptimizationLevel.ORT_ENABLE_EXTENDED => "extended",
        _ => "all",
    };

    /// <summary>Tokens the model sees for <paramref name="text"/> (with [CLS]/[SEP], after truncation to <see cref="MaxLength"/>).</summary>
    /// <exception cref="ArgumentException">The text is null, empty or blank.</exception>
    public int CountTokens(string text)
    {
        ValidateText(text, 0);
        return Math.Min(_tokenizer.EncodeToIds(text, addSpecialTokens: false).Count, MaxLength - 2) + 2;
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
        for (int i = 0; i < texts.Count; i++) rows[i] = Encode(texts[i]);

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

    private int[] Encode(string text)
    {
        var ids = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        int keep = Math.Min(ids.Count, MaxLength - 2);
        var row = new int[keep + 2];
        row[0] = _tokenizer.ClsId;
        for (int i = 0; i < keep; i++) row[i + 1] = ids[i];
        row[keep + 1] = _tokenizer.SepId;
        return row;
    }

    private void RunMicroBatch(int[][] rows, IReadOnlyList<int> batch, ClassificationResult[] results, RunOptions runOptions)
    {
        int size = batch.Count;
        int sequence = batch.Max(i => rows[i].Length);
        var ids = new long[size * sequence];
        var mask = new long[size * sequence];
        for (int r = 0; r < size; r++)
        {
            var row = rows[batch[r]];
            for (int t = 0; t < sequence; t++)
            {
                bool real = t < row.Length;
                ids[r * sequence + t] = real ? row[t] : _tokenizer.PadId;
                mask[r * sequence + t] = real ? 1 : 0;
            }
        }
        long[] shape = [size, sequence];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _hasTokenTypeIds ? OrtValue.CreateTensorValueFromMemory(new long[size * sequence], shape) : null;
        OrtValue[] inputs = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
        BeforeMicroBatchRun?.Invoke();
        using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
        var output = outputs[0];
        var typeAndShape = output.GetTensorTypeAndShape();
        int numLabels = Labels.Count;
        if (typeAndShape.Shape.Length != 2 || typeAndShape.Shape[0] != size || typeAndShape.Shape[1] != numLabels)
            throw new UserInputException($"{Info.ModelPath}: logits have shape [{string.Join(", ", typeAndShape.Shape)}], expected [{size}, {numLabels}].");
        var logits = new float[size * numLabels];
        if (typeAndShape.ElementDataType == TensorElementType.Float16)
        {
            var half = output.GetTensorDataAsSpan<Float16>();
            for (int i = 0; i < logits.Length; i++) logits[i] = (float)half[i].ToFloat();
        }
        else if (typeAndShape.ElementDataType == TensorElementType.Float)
            output.GetTensorDataAsSpan<float>().CopyTo(logits);
        else
            throw new UserInputException($"{Info.ModelPath}: logits are {typeAndShape.ElementDataType}, expected float.");

        for (int r = 0; r < size; r++)
        {
            var rowLogits = logits.AsSpan(r * numLabels, numLabels).ToArray();
            var probabilities = ClassScores.Softmax(rowLogits);
            int best = ClassScores.ArgMax(probabilities);
            int index = batch[r];
            results[index] = new ClassificationResult(Labels[best], best, probabilities, rowLogits, Labels, Variant, rows[index].Length);
        }
    }

    /// <summary>Frees the native session. Calls after disposal throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _handle.Dispose();
    }
}
