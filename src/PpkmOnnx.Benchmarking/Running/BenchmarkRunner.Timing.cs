using System.Diagnostics;
using System.Globalization;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Benchmarking.Statistics;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Benchmarking.Running;

// The timing half of BenchmarkRunner: the cells (sequence shape × batch size), their pre-tokenized batches and the
// round-robin timed runs.
public static partial class BenchmarkRunner
{
    private static List<Cell> Cells(BenchmarkOptions options)
    {
        var sequences = options.SequenceLengths.Distinct().Select(s => s.ToString(CultureInfo.InvariantCulture)).ToList();
        if (options.IncludeDataLengths) sequences.Add(DataSequence);
        return [.. from s in sequences from b in options.BatchSizes.Distinct() select new Cell(s, b)];
    }

    private static void TimeCell(Cell cell, List<LoadedModel> models, List<Slot> slots, BenchmarkDataset dataset, BenchmarkOptions options,
        IProgress<BenchmarkProgress>? progress, CancellationToken cancellationToken)
    {
        var inputs = new Dictionary<LoadedModel, List<ClassifierInputs>>();
        try
        {
            foreach (var model in models) inputs[model] = CellBatches(cell, model, dataset, options);
            string label = $"seq {cell.Sequence} × batch {cell.BatchSize}";
            progress?.Report(new BenchmarkProgress("warm-up", 0, 1, label));
            foreach (var slot in slots)
                for (int i = 0; i < options.WarmupIterations; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batches = inputs[slot.Model];
                    slot.Variant.Session.TimedRun(batches[i % batches.Count]);
                }

            var samples = slots.ToDictionary(s => s, _ => new List<double>());
            var perRepeat = slots.ToDictionary(s => s, _ => new List<double>());
            var padded = slots.ToDictionary(s => s, _ => 0L);
            for (int r = 0; r < options.Repeats; r++)
            {
                progress?.Report(new BenchmarkProgress("time", r, options.Repeats, $"{label}: repeat {r + 1}/{options.Repeats}"));
                for (int n = 0; n < slots.Count; n++)
                {
                    var slot = slots[(n + r) % slots.Count];
                    var batches = inputs[slot.Model];
                    long ticks = 0;
                    for (int i = 0; i < options.Iterations; i++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var batch = batches[(options.WarmupIterations + r * options.Iterations + i) % batches.Count];
                        long t = slot.Variant.Session.TimedRun(batch);
                        ticks += t;
                        samples[slot].Add(t * 1000.0 / Stopwatch.Frequency);
                        padded[slot] += batch.SequenceLength;
                    }
                    double seconds = (double)ticks / Stopwatch.Frequency;
                    perRepeat[slot].Add(seconds > 0 ? cell.BatchSize * options.Iterations / seconds : double.PositiveInfinity);
                }
            }
            progress?.Report(new BenchmarkProgress("time", options.Repeats, options.Repeats, $"{label}: done"));

            foreach (var slot in slots)
            {
                var summary = SampleStatistics.Summarize(samples[slot]);
                slot.Timings.Add(new TimingResult
                {
                    Sequence = cell.Sequence,
                    BatchSize = cell.BatchSize,
                    MeanPaddedLength = (double)padded[slot] / summary.Count,
                    Calls = summary.Count,
                    LatencyP50Ms = summary.P50,
                    LatencyP95Ms = summary.P95,
                    LatencyP99Ms = summary.P99,
                    LatencyMeanMs = summary.Mean,
                    SequencesPerSecond = SampleStatistics.Median(perRepeat[slot]),
                    SequencesPerSecondPerRepeat = perRepeat[slot].ToArray(),
                });
            }
        }
        finally
        {
            foreach (var list in inputs.Values) foreach (var b in list) b.Dispose();
        }
    }

    /// <summary>
    /// The distinct batches of one cell for one model. Rows cycle through the test texts, so every batch is full
    /// even when the split is smaller than the batch. Fixed shapes are padded to exactly that length (longer texts
    /// truncated); the "data" shape keeps each batch's own longest length, as serving does.
    /// </summary>
    private static List<ClassifierInputs> CellBatches(Cell cell, LoadedModel model, BenchmarkDataset dataset, BenchmarkOptions options)
    {
        int n = dataset.Texts.Count;
        bool data = cell.Sequence == DataSequence;
        int wanted = data ? Math.Max(options.MaxBatchesPerCell, options.WarmupIterations + options.Repeats * options.Iterations) : options.MaxBatchesPerCell;
        int count = Math.Max(1, Math.Min((n + cell.BatchSize - 1) / cell.BatchSize, wanted));
        var batches = new List<ClassifierInputs>(count);
        for (int k = 0; k < count; k++)
        {
            var texts = new string[cell.BatchSize];
            for (int j = 0; j < cell.BatchSize; j++) texts[j] = dataset.Texts[(k * cell.BatchSize + j) % n];
            var encoded = data
                ? model.Tokenizer.EncodeBatch(texts, model.MaxLength)
                : PadTo(model.Tokenizer.EncodeBatch(texts, int.Parse(cell.Sequence, CultureInfo.InvariantCulture)),
                    int.Parse(cell.Sequence, CultureInfo.InvariantCulture), model.Tokenizer.PadId);
            batches.Add(ClassifierInputs.Create(encoded));
        }
        return batches;
    }

    /// <summary>Right-pads every row of <paramref name="batch"/> to exactly <paramref name="length"/> columns.</summary>
    internal static EncodedBatch PadTo(EncodedBatch batch, int length, int padId)
    {
        if (batch.SequenceLength == length) return batch;
        if (batch.SequenceLength > length) throw new ArgumentException($"batch is already {batch.SequenceLength} long, more than {length}.");
        var ids = new long[batch.BatchSize * length];
        var mask = new long[ids.Length];
        Array.Fill(ids, padId);
        for (int r = 0; r < batch.BatchSize; r++)
        {
            Array.Copy(batch.InputIds, r * batch.SequenceLength, ids, r * length, batch.SequenceLength);
            Array.Copy(batch.AttentionMask, r * batch.SequenceLength, mask, r * length, batch.SequenceLength);
        }
        return new EncodedBatch(ids, mask, new long[ids.Length], batch.BatchSize, length);
    }

    private sealed record Cell(string Sequence, int BatchSize);
}
