using System.Diagnostics;
using System.Threading.Channels;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Metrics;

namespace PpkmOnnx.Server.Batching;

/// <summary>
/// Gathers concurrent requests for one model into shared session runs: the first waiting request opens a batch,
/// which closes when it holds <see cref="BatcherOptions.MaxBatchSize"/> texts or <see cref="BatcherOptions.MaxBatchTokens"/>
/// tokens, or when <see cref="BatcherOptions.MaxQueueDelay"/> has passed. One reader loop per model opens a batch only
/// when one of <see cref="BatcherOptions.ConcurrentBatches"/> run slots is free, so batches grow while the slots are
/// busy; the classifier micro-batches inside the run. Disposal stops intake and drains what is queued.
/// </summary>
public sealed class DynamicBatcher : IAsyncDisposable
{
    private readonly SentimentClassifier _classifier;
    private readonly BatcherOptions _options;
    private readonly ServerMetrics? _metrics;
    private readonly string _name;
    private readonly Channel<WorkItem> _channel = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly SemaphoreSlim _slots;
    private int _queuedTexts;

    private DynamicBatcher(string name, SentimentClassifier classifier, BatcherOptions options, ServerMetrics? metrics)
    {
        _name = name;
        _classifier = classifier;
        _options = options;
        _metrics = metrics;
        _slots = new SemaphoreSlim(options.ConcurrentBatches, options.ConcurrentBatches);
        _loop = Task.Run(RunLoopAsync);
    }

    /// <summary>Starts a batcher over <paramref name="classifier"/> (which it does not own).</summary>
    public static DynamicBatcher Start(string name, SentimentClassifier classifier, BatcherOptions options, ServerMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (options.MaxBatchSize < 1 || options.MaxBatchTokens < 1 || options.MaxQueuedTexts < 1 || options.MaxQueueDelay < TimeSpan.Zero
            || options.ConcurrentBatches < 1)
            throw new ArgumentException("batcher limits must be positive.");
        return new DynamicBatcher(name, classifier, options, metrics);
    }

    /// <summary>Texts queued or running now.</summary>
    public int QueuedTexts => Volatile.Read(ref _queuedTexts);

    /// <summary>Queues <paramref name="texts"/> and completes with their results in order.</summary>
    /// <exception cref="ArgumentException">A text is empty.</exception>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is shutting down.</exception>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return Task.FromResult<IReadOnlyList<ClassificationResult>>([]);
        int tokens = 0;
        foreach (var t in texts) tokens += _classifier.CountTokens(t);

        int after = Interlocked.Add(ref _queuedTexts, texts.Count);
        // A request alone in an empty queue is always taken, however large.
        if (after > _options.MaxQueuedTexts && after != texts.Count)
        {
            Interlocked.Add(ref _queuedTexts, -texts.Count);
            _metrics?.Rejected.WithLabels(_name).Inc();
            throw new QueueFullException(_name, after - texts.Count, _options.MaxQueuedTexts);
        }
        var item = new WorkItem(texts, tokens, cancellationToken);
        if (!_channel.Writer.TryWrite(item))
        {
            Interlocked.Add(ref _queuedTexts, -texts.Count);
            throw new ObjectDisposedException(nameof(DynamicBatcher), "the server is shutting down.");
        }
        _metrics?.QueueDepth.WithLabels(_name).Set(QueuedTexts);
        return item.Completion.Task;
    }

    private async Task RunLoopAsync()
    {
        var reader = _channel.Reader;
        WorkItem? carried = null;
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // A batch opens only when it can run at once: while every slot is busy, requests queue and the batch grows.
            await _slots.WaitAsync().ConfigureAwait(false);
            var batch = new List<WorkItem>();
            if (carried is not null) { batch.Add(carried); carried = null; }
            else if (reader.TryRead(out var first)) batch.Add(first);
            else
            {
                _slots.Release();
                continue;
            }

            int texts = batch[0].Texts.Count, tokens = batch[0].Tokens;
            var deadline = Stopwatch.GetTimestamp() + (long)(_options.MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
            while (texts < _options.MaxBatchSize && tokens < _options.MaxBatchTokens)
            {
                if (reader.TryRead(out var next))
                {
                    if (texts + next.Texts.Count > _options.MaxBatchSize || tokens + next.Tokens > _options.MaxBatchTokens)
                    {
                        carried = next;
                        break;
                    }
                    batch.Add(next);
                    texts += next.Texts.Count;
                    tokens += next.Tokens;
                    continue;
                }
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (Stopwatch.GetTimestamp() >= deadline || remaining <= TimeSpan.Zero) break;
                using var wait = new CancellationTokenSource(remaining);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (_options.ConcurrentBatches == 1) RunAndRelease(batch);
            else _ = Task.Run(() => RunAndRelease(batch));
        }
        // Drain: every slot back means no batch is still running.
        for (int i = 0; i < _options.ConcurrentBatches; i++) await _slots.WaitAsync().ConfigureAwait(false);
    }

    private void RunAndRelease(List<WorkItem> batch)
    {
        try
        {
            Run(batch);
        }
        finally
        {
            _slots.Release();
        }
    }

    private void Run(List<WorkItem> batch)
    {
        var live = new List<WorkItem>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Cancellation.IsCancellationRequested) item.Completion.TrySetCanceled(item.Cancellation);
            else live.Add(item);
        }
        int count = batch.Sum(b => b.Texts.Count);
        try
        {
            if (live.Count == 0) return;
            var all = live.SelectMany(b => b.Texts).ToArray();
            var started = Stopwatch.GetTimestamp();
            var results = _classifier.Classify(all);
            _metrics?.InferenceDuration.WithLabels(_name).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            _metrics?.BatchSize.WithLabels(_name).Observe(all.Length);
            _metrics?.TextsProcessed.WithLabels(_name).Inc(all.Length);
            _metrics?.TokensProcessed.WithLabels(_name).Inc(live.Sum(b => b.Tokens));
            int offset = 0;
            foreach (var item in live)
            {
                item.Completion.TrySetResult(results.Skip(offset).Take(item.Texts.Count).ToArray());
                offset += item.Texts.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var item in live) item.Completion.TrySetException(e);
        }
        finally
        {
            Interlocked.Add(ref _queuedTexts, -count);
            _metrics?.QueueDepth.WithLabels(_name).Set(QueuedTexts);
        }
    }

    /// <summary>Stops intake and waits until every queued request has its answer.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _slots.Dispose();
    }

    private sealed class WorkItem(IReadOnlyList<string> texts, int tokens, CancellationToken cancellation)
    {
        public IReadOnlyList<string> Texts { get; } = texts;
        public int Tokens { get; } = tokens;
        public CancellationToken Cancellation { get; } = cancellation;
        public TaskCompletionSource<IReadOnlyList<ClassificationResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
