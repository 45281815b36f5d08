using Microsoft.Extensions.Logging;
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

    /// <summary>True once every model is loaded and warmed up.</summary>
    public bool IsReady => _ready;
    /// <summary>Why loading failed, or null.</summary>
    public string? LoadError => _loadError;
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

    /// <summary>Loads and warms up every model, then marks the catalog ready; records the first failure instead of throwing.</summary>
    public Task LoadAllAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        try
        {
            foreach (var registration in _options.Models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var classifier = SentimentClassifier.Load(registration.PackagePath, new ClassifierOptions
                {
                    Variant = registration.Variant,
                    ExecutionProvider = _options.ExecutionProvider,
                    IntraOpThreads = _options.EffectiveIntraOpThreads,
                    ParallelRuns = _options.EffectiveParallelRuns,
                    OptimizedModelCacheFolder = _options.OptimizedModelCacheFolder,
                    MaxBatchSize = _options.MaxBatchSize,
                    MaxBatchTokens = _options.MaxBatchTokens,
                }, registration.Name);
                try
                {
                    classifier.Classify(WarmUpTexts, cancellationToken);
                }
                catch
                {
                    classifier.Dispose();
                    throw;
                }
                var batcher = DynamicBatcher.Start(registration.Name, classifier, new BatcherOptions
                {
                    MaxBatchSize = _options.MaxBatchSize,
                    MaxBatchTokens = _options.MaxBatchTokens,
                    MaxQueueDelay = _options.MaxQueueDelay,
                    ConcurrentBatches = _options.ConcurrentBatches,
                    MaxQueuedTexts = _options.MaxQueuedTexts,
                }, _metrics);
                lock (_gate) _models.Add(new ServedModel(registration, classifier, batcher));
                _logger.LogInformation("model {Name}: {Variant} on {Provider}, labels {Labels}, max length {MaxLength}, sha256 {Sha}",
                    registration.Name, classifier.Info.VariantName, classifier.ExecutionProvider, string.Join(",", classifier.Labels), classifier.MaxLength, classifier.Info.Sha256[..12]);
            }
            _ready = true;
        }
        catch (OperationCanceledException)
        {
            _loadError = "loading was cancelled.";
        }
        catch (Exception e)
        {
            _loadError = e.Message;
            _logger.LogError(e, "loading models failed: {Message}", e.Message);
        }
    }, CancellationToken.None);

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
