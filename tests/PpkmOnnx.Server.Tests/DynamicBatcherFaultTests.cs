using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

/// <summary>Faults stay with the request that causes them; a broken loop answers everyone instead of hanging them.</summary>
public sealed class DynamicBatcherFaultTests : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();
    private readonly TinyPackage _package = TinyPackage.Create(seed: 11);
    private readonly SentimentClassifier _classifier;

    // A long queue delay gathers every request of a test into one batch.
    private static readonly BatcherOptions Gathering = new() { MaxQueueDelay = TimeSpan.FromMilliseconds(300), MaxBatchSize = 64 };

    public DynamicBatcherFaultTests()
    {
        _package.WriteTo(_temp.Path);
        _classifier = SentimentClassifier.Load(_temp.Path, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
    }

    public void Dispose()
    {
        _classifier.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_request_that_fails_a_shared_batch_fails_alone()
    {
        int runs = 0;
        // The classifier fails any run that contains the poisoned text, as a bad input or an out-of-range token would.
        IReadOnlyList<ClassificationResult> Classify(string[] texts)
        {
            Interlocked.Increment(ref runs);
            if (texts.Contains("kasus naik")) throw new InvalidOperationException("poisoned text");
            return _classifier.Classify(texts);
        }
        await using var batcher = DynamicBatcher.Start("tiny", _classifier, Gathering, metrics: null, beforeBatch: null, classify: Classify);

        var good1 = batcher.ClassifyAsync(["ppkm bagus !", "warga senang"]);
        var poisoned = batcher.ClassifyAsync(["pasar sepi", "kasus naik"]);
        var good2 = batcher.ClassifyAsync(["vaksin di jakarta"]);

        var poison = await Assert.ThrowsAsync<InvalidOperationException>(() => poisoned);
        Assert.Equal("poisoned text", poison.Message);
        AssertScores(["ppkm bagus !", "warga senang"], await good1);
        AssertScores(["vaksin di jakarta"], await good2);
        // One shared run that failed, then one run per request.
        Assert.Equal(4, runs);
        Assert.Equal(0, batcher.QueuedTexts);
        Assert.Null(batcher.Fault);
    }

    [Fact]
    public async Task A_fault_of_the_loop_fails_waiting_requests_and_refuses_new_ones()
    {
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var batcher = DynamicBatcher.Start("tiny", _classifier, Gathering, metrics: null,
            beforeBatch: n =>
            {
                if (n == 1) return;
                throw new InvalidOperationException("loop bug");
            },
            classify: texts =>
            {
                // Hold the first batch until the second request is queued behind it.
                started.TrySetResult();
                release.Task.Wait();
                return _classifier.Classify(texts);
            });

        var first = batcher.ClassifyAsync(["ppkm bagus"]);
        await started.Task;
        var second = batcher.ClassifyAsync(["warga sedih"]);
        release.SetResult();

        AssertScores(["ppkm bagus"], await first);
        var failed = await Assert.ThrowsAsync<BatcherFaultedException>(() => second);
        Assert.Equal("loop bug", failed.InnerException!.Message);
        Assert.IsType<InvalidOperationException>(batcher.Fault);
        Assert.Throws<BatcherFaultedException>(() => { _ = batcher.ClassifyAsync(["ppkm"]); }); // thrown before any task exists
        Assert.Equal(0, batcher.QueuedTexts);
    }

    [Fact]
    public async Task Cancelling_a_queued_request_ends_its_wait_at_once()
    {
        var started = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        await using var batcher = DynamicBatcher.Start("tiny", _classifier, Gathering, metrics: null, beforeBatch: null,
            classify: texts =>
            {
                started.TrySetResult();
                release.Task.Wait();
                return _classifier.Classify(texts);
            });
        var running = batcher.ClassifyAsync(["ppkm bagus"]);
        await started.Task;
        using var cancel = new CancellationTokenSource();
        var queued = batcher.ClassifyAsync(["warga sedih"], cancel.Token);
        Assert.Equal(2, batcher.QueuedTexts);

        cancel.Cancel();
        // The running batch still holds the only slot: the queued request's task is already over, its text still queued.
        Assert.True(queued.IsCanceled);
        Assert.Equal(2, batcher.QueuedTexts);

        release.SetResult();
        AssertScores(["ppkm bagus"], await running);
        await batcher.DisposeAsync();
        Assert.Equal(0, batcher.QueuedTexts);
    }

    private void AssertScores(string[] texts, IReadOnlyList<ClassificationResult> results)
    {
        Assert.Equal(texts.Length, results.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = _package.ExpectedProbabilities(_temp.Path, texts[i]);
            var scores = results[i].Probabilities;
            for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], scores[c], tolerance: 1e-5);
        }
    }
}
