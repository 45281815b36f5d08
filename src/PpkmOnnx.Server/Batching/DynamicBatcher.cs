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
/// Faults stay where they belong: a batch that fails is retried request by request, so only the request that causes the
/// failure gets it; a fault of the loop itself fails every waiting request and marks the batcher
/// <see cref="Fault">faulted</see> (the server's /readyz then says so) instead of leaving requests to hang.
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
    private readonly Action<int>? _beforeBatch;
    private readonly Func<string[], IReadOnlyList<ClassificationResult>> _classify;
    private int _queuedTexts;
    private volatile Exception? _fault;

    private DynamicBatcher(string name, SentimentClassifier classifier, BatcherOptions options, ServerMetrics? metrics, Action<int>? beforeBatch,
        Func<string[], IReadOnlyList<ClassificationResult>>? classify)
    {
        _name = name;
        _classifier = classifier;
        _options = options;
        _metrics = metrics;
        _beforeBatch = beforeBatch;
        _classify = classify ?? (texts => classifier.Classify(texts));
        _slots = new SemaphoreSlim(options.ConcurrentBatches, options.ConcurrentBatches);
        _loop = Task.Run(RunLoopGuardedAsync);
    }

    /// <summary>Starts a batcher over <paramref name="classifier"/> (which it does not own).</summary>
    public static DynamicBatcher Start(string name, SentimentClassifier classifier, BatcherOptions options, ServerMetrics? metrics = null) =>
        Start(name, classifier, options, metrics, beforeBatch: null, classify: null);

    /// <summary>
    /// <see cref="Start(string, SentimentClassifier, BatcherOptions, ServerMetrics?)"/> with <paramref name="beforeBatch"/> called
    /// by the loop with each batch's number (1, 2, …) once the batch has its first request, and <paramref name="classify"/> (when
    /// given) running the batches instead of the classifier: the tests' way to inject faults.
    /// </summary>
    internal static DynamicBatcher Start(string name, SentimentClassifier classifier, BatcherOptions options, ServerMetrics? metrics, Action<int>? beforeBatch,
        Func<string[], IReadOnlyList<ClassificationResult>>? classify)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (options.MaxBatchSize < 1 || options.MaxBatchTokens < 1 || options.MaxQueuedTexts < 1 || options.MaxQueueDelay < TimeSpan.Zero
            || options.ConcurrentBatches < 1)
            throw new ArgumentException("batcher limits must be positive.");
        return new DynamicBatcher(name, classifier, options, metrics, beforeBatch, classify);
    }

    /// <summary>Texts queued or running now.</summary>
    public int QueuedTexts => Volatile.Read(ref _queuedTexts);

    /// <summary>The fault that stopped the loop, or null while the batcher works.</summary>
    public Exception? Fault => _fault;

    /// <summary>
    /// Queues <paramref name="texts"/> and completes with their results in order; cancelling
    /// <paramref name="cancellationToken"/> while they wait ends the task at once (a batch already running finishes).
    /// </summary>
    /// <exception cref="ArgumentException">A text is empty.</exception>
    /// <exception cref="QueueFullException">The queue is full.</exception>
    /// <exception cref="ObjectDisposedException">The batcher is shutting down.</exception>
    /// <exception cref="BatcherFaultedException">The batcher stopped on a fault.</exception>
    public Task<IReadOnlyList<ClassificationResult>> ClassifyAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (_fault is { } fault) throw new BatcherFaultedException(_name, fault);
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
        // A cancelled wait ends at once; the item stays queued (and counted) until its batch skips it.
        if (cancellationToken.CanBeCanceled)
            item.CancellationRegistration = cancellationToken.Register(() => item.Completion.TrySetCanceled(cancellationToken));
        if (!_channel.Writer.TryWrite(item))
        {
            item.CancellationRegistration.Dispose();
            Interlocked.Add(ref _queuedTexts, -texts.Count);
            if (_fault is { } late) throw new BatcherFaultedException(_name, late);
            throw new ObjectDisposedException(nameof(DynamicBatcher), "the server is shutting down.");
        }
        _metrics?.QueueDepth.WithLabels(_name).Set(QueuedTexts);
        return item.Completion.Task;
    }

    private async Task RunLoopGuardedAsync()
    {
        try
        {
            await RunLoopAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A bug in the loop: nothing would ever answer what is queued, so answer it now and refuse new work.
            _fault = e;
            _channel.Writer.TryComplete();
            var failure = new BatcherFaultedException(_name, e);
            var unanswered = _gathering.ToList();
            while (_channel.Reader.TryRead(out var queued)) unanswered.Add(queued);
            foreach (var item in unanswered)
            {
                item.Completion.TrySetException(failure);
                Interlocked.Add(ref _queuedTexts, -item.Texts.Count);
            }
            _metrics?.QueueDepth.WithLabels(_name).Set(QueuedTexts);
        }
    }

    // The batch being gathered (read from the channel, not yet running), so that a loop fault can answer it too; only the
    // loop touches it.
    private readonly List<WorkItem> _gathering = [];

    private async Task RunLoopAsync()
    {
        var reader = _channel.Reader;
        WorkItem? carried = null;
        int batchNumber = 0;
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // A batch opens only when it can run at once: while every slot is busy, requests queue and the batch grows.
            await _slots.WaitAsync().ConfigureAwait(false);
            // The slot goes to the batch's run; until then (nothing to read, or a fault while gathering) the loop gives it back.
            bool slotHandedOver = false;
            try
            {
                var batch = _gathering;
                batch.Clear();
                if (carried is not null) { batch.Add(carried); carried = null; }
                else if (reader.TryRead(out var first)) batch.Add(first);
                else continue;
                _beforeBatch?.Invoke(++batchNumber);

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
                var gathered = batch.ToList();
                batch.Clear();
                slotHandedOver = true;
                if (_options.ConcurrentBatches == 1) RunAndRelease(gathered);
                else _ = Task.Run(() => RunAndRelease(gathered));
            }
            finally
            {
                if (!slotHandedOver) _slots.Release();
            }
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
            item.CancellationRegistration.Dispose();
            if (item.Cancellation.IsCancellationRequested) item.Completion.TrySetCanceled(item.Cancellation);
            else live.Add(item);
        }
        int count = batch.Sum(b => b.Texts.Count);
        try
        {
            if (live.Count == 0) return;
            try
            {
                RunTogether(live);
            }
            catch (Exception) when (live.Count > 1)
            {
                // One request's text can fail a shared run (and so every request in it): run them one by one, so that
                // only the request that fails on its own gets the error.
                foreach (var item in live)
                {
                    try
                    {
                        RunTogether([item]);
                    }
                    catch (Exception e)
                    {
                        item.Completion.TrySetException(e);
                    }
                }
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

    // One session run (micro-batched inside the classifier) for every text of items; each item gets its slice of the results.
    private void RunTogether(IReadOnlyList<WorkItem> items)
    {
        var all = items.SelectMany(b => b.Texts).ToArray();
        var started = Stopwatch.GetTimestamp();
        var results = _classify(all);
        _metrics?.InferenceDuration.WithLabels(_name).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _metrics?.BatchSize.WithLabels(_name).Observe(all.Length);
        _metrics?.TextsProcessed.WithLabels(_name).Inc(all.Length);
        _metrics?.TokensProcessed.WithLabels(_name).Inc(items.Sum(b => b.Tokens));
        int offset = 0;
        foreach (var item in items)
        {
            item.Completion.TrySetResult(results.Skip(offset).Take(item.Texts.Count).ToArray());
            offset += item.Texts.Count;
        }
    }

    /// <summary>Stops intake and waits until every queued request has its answer.</summary>
    public async ValueTask DisposeAsync()
    {
        // A second call (an explicit dispose inside an await using) finds the work done.
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false); // never throws: a loop fault was turned into failed requests
        // A faulted loop did not wait for the batches it had started: wait for their slots before disposing them.
        if (_fault is not null)
            for (int i = 0; i < _options.ConcurrentBatches; i++) await _slots.WaitAsync().ConfigureAwait(false);
        _slots.Dispose();
    }

    private int _disposed;

    private sealed class WorkItem(IReadOnlyList<string> texts, int tokens, CancellationToken cancellation)
    {
        public IReadOnlyList<string> Texts { get; } = texts;
        public int Tokens { get; } = tokens;
        public CancellationToken Cancellation { get; } = cancellation;
        public TaskCompletionSource<IReadOnlyList<ClassificationResult>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        // Ends the caller's wait when its token is cancelled while queued; disposed when the item's batch runs.
        public CancellationTokenRegistration CancellationRegistration { get; set; }
    }
}
