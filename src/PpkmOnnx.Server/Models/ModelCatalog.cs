using Microsoft.Extensions.Logging;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Server.Metrics;

namespace PpkmOnnx.Server.Models;

/// <summary>
/// The served models by name. Loading happens in the background after the server starts, so /healthz answers at
/// once while /readyz waits until every model is loaded and has run a warm-up batch.
/// </summary>
public sealed class ModelCatalog : IAsyncDisposable
{
    private static readonly string[] WarmUpTexts = ["ppkm", "warm-up batch for the model, long enough to take several word pieces and a padded row"];
    private readonly ServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly List<ServedModel> _models = [];
    private readonly Dictionary<string, Exception> _failures = [];
    private Task? _loading;
    private readonly Lock _gate = new();
    private volatile bool _ready;
    private volatile string? _loadError;

    /// <summary>Creates an empty catalog for <paramref name="options"/>.</summary>
    public ModelCatalog(ServerOptions options, ServerMetrics metrics, ILogger<ModelCatalog> logger)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>True once every model is loaded and warmed up, and while no model's batcher has stopped on a fault.</summary>
    public bool IsReady => _ready && !Models.Any(m => m.Batcher.Fault is not null);
    /// <summary>Why loading failed (every failed model with its reason) or a loaded model stopped working, or null.</summary>
    public string? LoadError
    {
        get
        {
            var stopped = Models.Where(m => m.Batcher.Fault is not null)
                .Select(m => $"model '{m.Name}' stopped on an internal error ({m.Batcher.Fault!.GetType().Name}); restart the server")
                .ToList();
            if (stopped.Count == 0) return _loadError;
            return string.Join("; ", _loadError is null ? stopped : [_loadError, .. stopped]);
        }
    }
    /// <summary>Names of the configured models, in order.</summary>
    public IReadOnlyList<string> Names => _options.Models.Select(m => m.Name).ToList();

    /// <summary>The loaded models, in configured order.</summary>
    public IReadOnlyList<ServedModel> Models
    {
        get { lock (_gate) return _models.ToList(); }
    }

    /// <summary>The model called <paramref name="name"/> (the first model when null), or null when unknown or not loaded yet.</summary>
    public ServedModel? Find(string? name)
    {
        lock (_gate) return name is null ? _models.FirstOrDefault() : _models.FirstOrDefault(m => m.Name == name);
    }

    /// <summary>Models that could not be loaded or warmed up, by name, with the reason.</summary>
    public IReadOnlyDictionary<string, Exception> Failures
    {
        get { lock (_gate) return new Dictionary<string, Exception>(_failures); }
    }

    /// <summary>
    /// Loads and warms up every model, then marks the catalog ready; failures are recorded (<see cref="Failures"/>,
    /// <see cref="LoadError"/>), never thrown. Without <see cref="ServerOptions.AllowPartial"/> loading stops at the first
    /// failure and the catalog never becomes ready; with it, the catalog is ready once the others are. Calling it again
    /// returns the same loading task.
    /// </summary>
    public Task LoadAllAsync(CancellationToken cancellationToken)
    {
        lock (_gate) return _loading ??= Task.Run(() => LoadAll(cancellationToken), CancellationToken.None);
    }

    private void LoadAll(CancellationToken cancellationToken)
    {
        foreach (var registration in _options.Models)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var model = Load(registration, cancellationToken);
                lock (_gate) _models.Add(model);
                _logger.LogInformation("model {Name}: {Variant} on {Provider}, labels {Labels}, max length {MaxLength}, sha256 {Sha}",
                    registration.Name, model.Classifier.Info.VariantName, model.Classifier.ExecutionProvider, string.Join(",", model.Classifier.Labels),
                    model.Classifier.MaxLength, model.Classifier.Info.Sha256[..12]);
            }
            catch (OperationCanceledException)
            {
                _loadError = "loading was cancelled.";
                return;
            }
            catch (Exception e)
            {
                lock (_gate) _failures[registration.Name] = e;
                // Loading goes on past a failure only with AllowPartial, and then the log is where a running server names it; a
                // failure that stops loading is the start's error (ServerStartup) and /readyz's, so it is not printed twice. A
                // user's mistake is its message; only a bug carries its stack trace.
                if (_options.AllowPartial)
                    _logger.LogError(e is UserInputException ? null : e, "model {Name} cannot be served: {Message}", registration.Name, e.Message);
                _loadError = string.Join("; ", Failures.Select(f => $"model '{f.Key}': {f.Value.Message}"));
                if (!_options.AllowPartial) return;
            }
        }
        _ready = Models.Count > 0;
    }

    private ServedModel Load(ModelRegistration registration, CancellationToken cancellationToken)
    {
        var classifier = SentimentClassifier.Load(registration.PackagePath, new ClassifierOptions
        {
            Variant = registration.Variant,
            ExecutionProvider = _options.ExecutionProvider,
            IntraOpThreads = _options.EffectiveIntraOpThreads,
            ParallelRuns = _options.EffectiveParallelRuns,
            OptimizedModelCacheFolder = _options.OptimizedModelCacheFolder,
            MaxBatchSize = _options.MaxBatchSize,
            // One --max-batch-tokens budget: real tokens when the batcher gathers requests, padded tokens per session run.
            MaxPaddedTokensPerRun = _options.MaxBatchTokens,
        }, registration.Name);
        try
        {
            classifier.Classify(WarmUpTexts, cancellationToken);
            var batcher = DynamicBatcher.Start(registration.Name, classifier, new BatcherOptions
            {
                MaxBatchSize = _options.MaxBatchSize,
                MaxBatchTokens = _options.MaxBatchTokens,
                MaxQueueDelay = _options.MaxQueueDelay,
                ConcurrentBatches = _options.ConcurrentBatches,
                MaxQueuedTexts = _options.MaxQueuedTexts,
            }, _metrics);
            return new ServedModel(registration, classifier, batcher);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>Drains every batcher, then frees the sessions.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ServedModel> models;
        lock (_gate) { models = _models.ToList(); _models.Clear(); }
        foreach (var m in models)
        {
            await m.Batcher.DisposeAsync().ConfigureAwait(false);
            m.Classifier.Dispose();
        }
    }
}
