using System.Globalization;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>
/// The engine of <c>ppkm report</c>: turns one or more bench.json results into report.md and a self-contained
/// report.html with the paper's quality table, the quantization table, the pruning trade-off (when a model was pruned), per-class tables, confusion matrices and
/// charts (accuracy vs latency, throughput vs batch size, size per variant, training curves).
/// </summary>
public static class ReportGenerator
{
    /// <summary>The Markdown report's file name.</summary>
    public const string MarkdownFileName = "report.md";
    /// <summary>The HTML report's file name.</summary>
    public const string HtmlFileName = "report.html";
    /// <summary>The folder (inside the output folder) that holds the charts.</summary>
    public const string ChartFolderName = "charts";

    /// <summary>Writes report.md, report.html and charts/*.svg|png into <paramref name="outputFolder"/> (each file atomically).</summary>
    /// <exception cref="ArgumentException">No reports given.</exception>
    public static ReportFiles Write(IReadOnlyList<BenchmarkReport> reports, string outputFolder, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        if (reports.Count == 0) throw new ArgumentException("no benchmark results to report.", nameof(reports));
        options ??= new ReportOptions();
        if (options.ChartWidth < 100 || options.ChartHeight < 100)
            throw new ArgumentException($"charts must be at least 100×100 pixels, got {options.ChartWidth}×{options.ChartHeight}.");

        var blocks = Build(reports, options);
        var chartFolder = Path.Combine(outputFolder, ChartFolderName);
        var chartPaths = new List<string>();
        foreach (var chart in blocks.OfType<ChartBlock>())
        {
            var svgPath = Path.Combine(chartFolder, chart.FileStem + ".svg");
            var pngPath = Path.Combine(chartFolder, chart.FileStem + ".png");
            AtomicFile.WriteAllText(svgPath, chart.Svg);
            AtomicFile.WriteAllBytes(pngPath, chart.Png);
            chartPaths.Add(svgPath);
            chartPaths.Add(pngPath);
        }
        var markdownPath = Path.Combine(outputFolder, MarkdownFileName);
        var htmlPath = Path.Combine(outputFolder, HtmlFileName);
        AtomicFile.WriteAllText(markdownPath, MarkdownReportWriter.Render(blocks, ChartFolderName));
        AtomicFile.WriteAllText(htmlPath, HtmlReportWriter.Render(options.Title, blocks));
        return new ReportFiles(markdownPath, htmlPath, chartPaths);
    }

    private static List<ReportBlock> Build(IReadOnlyList<BenchmarkReport> reports, ReportOptions options)
    {
        var blocks = new List<ReportBlock>
        {
            new HeadingBlock(1, options.Title),
            new ParagraphBlock($"Generated {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC from {reports.Count} benchmark run(s): "
                + string.Join("; ", reports.Select((r, i) => $"{RunName(reports, i)} ({r.CreatedUtc:yyyy-MM-dd HH:mm} UTC, {r.Dataset.Count} test texts{(r.Dataset.Name is { } n ? " from " + n : "")})")) + "."),
        };
        var stems = new HashSet<string>(StringComparer.Ordinal);
        string Stem(string text)
        {
            var stem = ReportFormat.Stem(text);
            var unique = stem;
            for (int k = 2; !stems.Add(unique); k++) unique = $"{stem}-{k}";
            return unique;
        }

        QualityTable(reports, options, blocks);
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            string run = reports.Count > 1 ? $" — {RunName(reports, i)}" : "";
            var latencySequence = PickSequence(report, options.LatencySequence);
            var throughputSequence = PickSequence(report, options.ThroughputSequence ?? options.LatencySequence);
            int? latencyBatch = report.Settings.BatchSizes.Count == 0 ? null : report.Settings.BatchSizes.Contains(1) ? 1 : report.Settings.BatchSizes.Min();
            int? throughputBatch = PickThroughputBatch(report, options.ThroughputBatchSize);

            blocks.Add(new HeadingBlock(2, "Quantization" + run));
            blocks.Add(new ParagraphBlock(latencySequence is null
                ? "No timings were measured in this run."
                : $"Latency: batch {latencyBatch}, sequence {latencySequence}; throughput: batch {throughputBatch}, sequence {throughputSequence}. "
                  + $"Model time of ONNX Runtime Run on pre-tokenized batches; {report.Settings.Repeats} repeats × {report.Settings.Iterations} calls, "
                  + $"variants interleaved round-robin; throughput is the median over repeats. Deltas and speed-ups are against {options.ReferenceVariant} of the same model."));
            foreach (var model in report.Models)
            {
                blocks.Add(new HeadingBlock(3, model.Name));
                blocks.Add(QuantizationTable(model, options, latencySequence, latencyBatch, throughputSequence, throughputBatch));
                if (model.SkippedVariants.Count > 0) blocks.Add(new ParagraphBlock("Not measured: " + string.Join("; ", model.SkippedVariants) + "."));
                if (report.Settings.BatchSizes.Count > 0) blocks.Add(ThroughputGrid(model, report.Settings));
            }

            PruningTradeOff.Add(blocks, report, run, options, Stem, latencySequence, latencyBatch, throughputSequence, throughputBatch);

            blocks.Add(new HeadingBlock(2, "Per-class results" + run));
            blocks.Add(new ParagraphBlock($"Majority-class baseline: always '{report.Baseline.Label}' — accuracy {ReportFormat.Percent(report.Baseline.Metrics.Accuracy)}, macro-F1 {ReportFormat.Percent(report.Baseline.Metrics.MacroF1)}."));
            foreach (var model in report.Models)
                foreach (var variant in model.Variants)
                {
                    blocks.Add(new HeadingBlock(3, $"{model.Name} ({variant.Variant})"));
                    blocks.Add(new TableBlock(["Class", "Precision", "Recall", "F1", "Support"],
                        variant.Metrics.PerClass.Select(c => (IReadOnlyList<string>)[c.Label, ReportFormat.Percent(c.Precision), ReportFormat.Percent(c.Recall), ReportFormat.Percent(c.F1), c.Support.ToString(CultureInfo.InvariantCulture)])
                            .Append([ "macro average", ReportFormat.Percent(variant.Metrics.MacroPrecision), ReportFormat.Percent(variant.Metrics.MacroRecall), ReportFormat.Percent(variant.Metrics.MacroF1), variant.Metrics.Count.ToString(CultureInfo.InvariantCulture)])
                            .Append([ "weighted average", ReportFormat.Percent(variant.Metrics.WeightedPrecision), ReportFormat.Percent(variant.Metrics.WeightedRecall), ReportFormat.Percent(variant.Metrics.WeightedF1), variant.Metrics.Count.ToString(CultureInfo.InvariantCulture)])
                            .ToArray()));
                    blocks.Add(new ParagraphBlock("Confusion matrix (rows: gold, columns: predicted; shading: share of the gold row)."));
                    blocks.Add(ConfusionTable(variant.Metrics.ConfusionMatrix, variant.Metrics.PerClass.Select(c => c.Label).ToArray()));
                }

            blocks.Add(new HeadingBlock(2, "Charts" + run));
            var points = report.Models.SelectMany(m => m.Variants.Select(v => (m, v)))
                .Select(x => (Label: $"{x.m.Name} {x.v.Variant}", Latency: latencySequence is null || latencyBatch is null ? null : x.v.FindTiming(latencySequence, latencyBatch.Value)?.LatencyP50Ms, x.v.Metrics.Accuracy))
                .Where(x => x.Latency is not null).Select(x => (x.Label, x.Latency!.Value, x.Accuracy)).ToList();
            Add(blocks, ReportCharts.AccuracyVsLatency(Stem($"accuracy-vs-latency{run}"), $"Accuracy vs latency (batch {latencyBatch}, sequence {latencySequence}){run}", points, options));
            if (throughputSequence is not null)
                foreach (var model in report.Models)
                {
                    var batches = report.Settings.BatchSizes.OrderBy(b => b).ToArray();
                    var lines = model.Variants.Select(v => (v.Variant, batches.Select(b => v.FindTiming(throughputSequence, b)?.SequencesPerSecond).ToArray())).ToList();
                    Add(blocks, ReportCharts.ThroughputVsBatch(Stem($"throughput-{model.Name}{run}"), $"Throughput vs batch size — {model.Name} (sequence {throughputSequence}){run}", batches, lines, options));
                }
            var bars = report.Models.SelectMany(m => m.Variants.Select(v => ($"{m.Name} {v.Variant}", v.FileSizeBytes / 1e6))).ToList();
            Add(blocks, ReportCharts.SizeBars(Stem($"size{run}"), $"Model size per variant{run}", bars, options));
            foreach (var model in report.Models.Where(m => m.Training is { Epochs.Count: > 0 }))
                Add(blocks, ReportCharts.TrainingCurves(Stem($"training-{model.Name}{run}"), $"Training curves — {model.Name}{run}", model.Training!.Epochs, options));

            blocks.Add(new HeadingBlock(2, "Environment" + run));
            blocks.Add(EnvironmentTable(report));
        }
        return blocks;
    }

    private static void Add(List<ReportBlock> blocks, ChartBlock? chart)
    {
        if (chart is not null) blocks.Add(chart);
    }

    private static string RunName(IReadOnlyList<BenchmarkReport> reports, int index) => reports[index].Title ?? $"run {index + 1}";

    private static void QualityTable(IReadOnlyList<BenchmarkReport> reports, ReportOptions options, List<ReportBlock> blocks)
    {
        blocks.Add(new HeadingBlock(2, "Quality (the paper's Table 1/Table 2 layout)"));
        blocks.Add(new ParagraphBlock("Precision, Recall and F1-Score are support-weighted averages over the classes, as in the paper. "
            + "Running Time is the training wall time and Trainable Params the trainable parameter count, both from training.json."
            + (options.PublishedResults.Count > 0
                ? $" Rows marked (paper) are published values{(options.PublishedSource is { } s ? " from " + s : "")}: measured on a different dataset"
                  + " and different hardware, so they sit beside ours for orientation, not as a like-for-like comparison."
                : "")));
        var rows = new List<IReadOnlyList<string>>();
        for (int i = 0; i < reports.Count; i++)
        {
            var report = reports[i];
            string run = reports.Count > 1 ? $" — {RunName(reports, i)}" : "";
            foreach (var model in report.Models)
                foreach (var v in model.Variants)
                    rows.Add([$"{model.Name} ({v.Variant}){run}", ReportFormat.Percent(v.Metrics.Accuracy), ReportFormat.Percent(v.Metrics.WeightedPrecision),
                        ReportFormat.Percent(v.Metrics.WeightedRecall), ReportFormat.Percent(v.Metrics.WeightedF1),
                        ReportFormat.Duration(model.TrainingSeconds), ReportFormat.Count(model.TrainableParameters)]);
            var b = report.Baseline.Metrics;
            rows.Add([$"Majority class ({report.Baseline.Label}){run}", ReportFormat.Percent(b.Accuracy), ReportFormat.Percent(b.WeightedPrecision),
                ReportFormat.Percent(b.WeightedRecall), ReportFormat.Percent(b.WeightedF1), ReportFormat.Missing, "0"]);
        }
        foreach (var p in options.PublishedResults)
            rows.Add([$"{p.Model} (paper{(p.Table is { } t ? ", " + t : "")})", ReportFormat.Percent(p.Accuracy), ReportFormat.Percent(p.Precision),
                ReportFormat.Percent(p.Recall), ReportFormat.Percent(p.F1Score), p.RunningTime ?? ReportFormat.Missing, p.TrainableParameters ?? ReportFormat.Missing]);
        blocks.Add(new TableBlock(["Model", "Accuracy", "Precision", "Recall", "F1-Score", "Running Time", "Trainable Params"], rows));
    }

    private static TableBlock QuantizationTable(ModelResult model, ReportOptions options, string? latencySequence, int? latencyBatch, string? throughputSequence, int? throughputBatch)
    {
        var reference = model.FindVariant(options.ReferenceVariant);
        double? Throughput(VariantResult v) => throughputSequence is null || throughputBatch is null ? null : v.FindTiming(throughputSequence, throughputBatch.Value)?.SequencesPerSecond;
        TimingResult? Latency(VariantResult v) => latencySequence is null || latencyBatch is null ? null : v.FindTiming(latencySequence, latencyBatch.Value);
        var rows = model.Variants.Select(v =>
        {
            var latency = Latency(v);
            double? speedUp = reference is not null && Throughput(v) is { } t && Throughput(reference) is { } rt && rt > 0 ? t / rt : null;
            return (IReadOnlyList<string>)[
                v.Variant, v.ExecutionProvider, ReportFormat.Megabytes(v.FileSizeBytes), ReportFormat.Count(v.ParameterCount),
                ReportFormat.Milliseconds(latency?.LatencyP50Ms), ReportFormat.Milliseconds(latency?.LatencyP95Ms),
                ReportFormat.Number(Throughput(v)), speedUp is { } s ? ReportFormat.Number(s, "0.00") + "×" : ReportFormat.Missing,
                ReportFormat.Percent(v.Metrics.Accuracy), ReportFormat.PointsDelta(reference is null ? null : v.Metrics.Accuracy - reference.Metrics.Accuracy),
                ReportFormat.Percent(v.Metrics.MacroF1), ReportFormat.PointsDelta(reference is null ? null : v.Metrics.MacroF1 - reference.Metrics.MacroF1)];
        }).ToArray();
        return new TableBlock(["Variant", "Provider", "Size (MB)", "Parameters", "Latency p50 (ms)", "Latency p95 (ms)", "Throughput (seq/s)",
            $"Speed-up vs {options.ReferenceVariant}", "Accuracy", "Δ Accuracy", "Macro-F1", "Δ Macro-F1"], rows);
    }

    private static TableBlock ThroughputGrid(ModelResult model, BenchmarkSettings settings)
    {
        var batches = settings.BatchSizes.OrderBy(b => b).ToArray();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var v in model.Variants)
            foreach (var sequence in settings.Sequences)
                rows.Add([$"{v.Variant}, seq {sequence}", .. batches.Select(b => v.FindTiming(sequence, b) is { } t
                    ? $"{ReportFormat.Number(t.SequencesPerSecond)} ({ReportFormat.Milliseconds(t.LatencyP50Ms)} ms)" : ReportFormat.Missing)]);
        return new TableBlock(["Sequences/s (p50 ms per call)", .. batches.Select(b => $"batch {b}")], rows);
    }

    private static TableBlock ConfusionTable(int[][] matrix, IReadOnlyList<string> labels)
    {
        var rows = new List<IReadOnlyList<string>>();
        var shading = new double?[matrix.Length][];
        for (int g = 0; g < matrix.Length; g++)
        {
            int total = matrix[g].Sum();
            rows.Add([labels[g], .. matrix[g].Select(c => c.ToString(CultureInfo.InvariantCulture))]);
            shading[g] = [null, .. matrix[g].Select(c => total == 0 ? 0 : (double?)c / total)];
        }
        return new TableBlock(["gold \\ predicted", .. labels], rows, shading);
    }

    private static TableBlock EnvironmentTable(BenchmarkReport report)
    {
        var e = report.Environment;
        var s = report.Settings;
        IReadOnlyList<string> Row(string name, string? value) => [name, value ?? ReportFormat.Missing];
        return new TableBlock(["Field", "Value"],
        [
            Row("CPU", e.CpuModel),
            Row("Logical processors", e.LogicalProcessors.ToString(CultureInfo.InvariantCulture)),
            Row("Intra-op threads", e.IntraOpThreads?.ToString(CultureInfo.InvariantCulture) ?? "ONNX Runtime default"),
            Row("Instruction sets", e.InstructionSets.Count == 0 ? "none detected" : string.Join(", ", e.InstructionSets)),
            Row("Execution provider", $"{string.Join(", ", e.ExecutionProvidersUsed)} (requested {e.ExecutionProviderRequested})"),
            Row("GPU", e.GpuName),
            Row("ONNX Runtime", e.OnnxRuntimeVersion),
            Row("TorchSharp", e.TorchSharpVersion),
            Row(".NET", e.DotNetVersion),
            Row("OS", e.OperatingSystem),
            Row("Git commit", e.GitCommit),
            Row("Repeats × iterations (warm-up)", $"{s.Repeats} × {s.Iterations} ({s.WarmupIterations})"),
            Row("Batch sizes", string.Join(", ", s.BatchSizes)),
            Row("Sequences", string.Join(", ", s.Sequences)),
            Row("Models", string.Join("; ", report.Models.Select(m => $"{m.Name}: {m.ModelType ?? "?"}, max length {m.MaxLength}, tokens/text p50 {ReportFormat.Number(m.TokenLengths.P50, "0")} p95 {ReportFormat.Number(m.TokenLengths.P95, "0")} max {m.TokenLengths.Max}, {m.TokenLengths.Truncated} truncated"))),
        ]);
    }

    private static string? PickSequence(BenchmarkReport report, string? preferred)
    {
        var measured = report.Settings.Sequences;
        if (measured.Count == 0 || report.Settings.BatchSizes.Count == 0) return null;
        if (preferred is not null && measured.Contains(preferred, StringComparer.OrdinalIgnoreCase)) return preferred;
        return measured.Contains("data", StringComparer.OrdinalIgnoreCase) ? "data" : measured[0];
    }

    private static int? PickThroughputBatch(BenchmarkReport report, int? preferred)
    {
        var measured = report.Settings.BatchSizes;
        if (measured.Count == 0) return null;
        if (preferred is { } p && measured.Contains(p)) return p;
        return measured.Contains(32) ? 32 : measured.Max();
    }
}
