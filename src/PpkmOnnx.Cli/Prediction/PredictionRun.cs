using System.Diagnostics;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Cli.Prediction;

/// <summary>
/// The streaming loop of <c>ppkm predict</c>: rows are read, classified <c>batchSize</c> at a time and written before the
/// next chunk is read, so memory stays bounded by one chunk whatever the input's length.
/// </summary>
internal static class PredictionRun
{
    private const string Stage = "predict";

    /// <summary>Classifies every row of <paramref name="reader"/> into <paramref name="output"/> and says what it did.</summary>
    /// <param name="flushEachChunk">Flush <paramref name="output"/> after every chunk (a pipe: its reader sees rows as they come, and a closed one fails the next write).</param>
    /// <param name="rescore">When given, the probabilities written for a text instead of the classifier's own (e.g. an ensemble's); the label is their argmax.</param>
    public static PredictionSummary Run(TextRowReader reader, SentimentClassifier classifier, TextWriter output, PredictionFormat format,
        int batchSize, CliProgress? progress, CancellationToken cancellationToken, bool flushEachChunk = false,
        Func<string, ClassificationResult, float[]>? rescore = null)
    {
        var writer = PredictionWriter.Create(output, format, classifier.Labels);
        var counts = new long[classifier.Labels.Count];
        long rows = 0;
        var clock = Stopwatch.StartNew();
        foreach (var chunk in classifier.ClassifyChunks(reader.ReadRows(), r => r.Text, batchSize, cancellationToken))
        {
            foreach (var item in chunk)
            {
                var rescored = rescore?.Invoke(item.Item.Text, item.Result);
                int labelId = rescored is null ? item.Result.LabelId : ClassScores.ArgMax(rescored);
                writer.Write(item.Item, classifier.Labels[labelId], rescored ?? item.Result.Probabilities);
                counts[labelId]++;
            }
            rows += chunk.Count;
            if (flushEachChunk) output.Flush();
            Report(progress, reader, rows, clock.Elapsed, batchSize, final: false);
        }
        output.Flush();
        clock.Stop();
        Report(progress, reader, rows, clock.Elapsed, batchSize, final: true);
        return new PredictionSummary(rows, reader.EmptyRowsSkipped, clock.Elapsed, classifier.Labels, counts, classifier.ExecutionProvider,
            classifier.Info.VariantName);
    }

    private static void Report(CliProgress? progress, TextRowReader reader, long rows, TimeSpan elapsed, int batchSize, bool final)
    {
        if (progress is null) return;
        var message = $"{rows:N0} rows, {(elapsed.TotalSeconds > 0 ? rows / elapsed.TotalSeconds : 0):0} rows/s";
        if (reader.LengthBytes is long length)
        {
            // A file's progress is its bytes consumed (in KiB, to fit an int); rows/s rides in the message.
            int total = (int)Math.Max(1, (length + 1023) / 1024);
            int done = final ? total : (int)Math.Min(total, reader.BytesRead / 1024);
            progress.Report(Stage, done, total, message);
        }
        else
        {
            // A stream's length is unknown: the bar runs one chunk ahead of the rows until the end.
            int done = (int)Math.Min(rows, int.MaxValue - batchSize);
            progress.Report(Stage, done, final ? done : done + batchSize, message);
        }
    }
}
