using System.Globalization;
using PpkmOnnx.Benchmarking.Results;
using ScottPlot;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>The report's charts, drawn with ScottPlot 5 and rendered to both SVG and PNG.</summary>
internal static class ReportCharts
{
    /// <summary>Accuracy (y) against batch-1 p50 latency (x), one point per model variant.</summary>
    public static ChartBlock? AccuracyVsLatency(string stem, string title, IReadOnlyList<(string Label, double LatencyMs, double Accuracy)> points, ReportOptions options)
    {
        if (points.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < points.Count; i++)
        {
            var (label, latency, accuracy) = points[i];
            var scatter = plot.Add.ScatterPoints(new[] { latency }, new[] { accuracy * 100 });
            scatter.MarkerSize = 10;
            scatter.Color = palette.GetColor(i);
            scatter.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel("latency p50, batch 1 (ms)");
        plot.YLabel("accuracy (%)");
        plot.ShowLegend(Alignment.LowerRight);
        return Render(plot, title, stem, options);
    }

    /// <summary>Throughput (y) against batch size (x), one line per variant.</summary>
    public static ChartBlock? ThroughputVsBatch(string stem, string title, IReadOnlyList<int> batchSizes,
        IReadOnlyList<(string Label, double?[] SequencesPerSecond)> lines, ReportOptions options)
    {
        if (lines.Count == 0 || batchSizes.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var positions = Enumerable.Range(0, batchSizes.Count).Select(i => (double)i).ToArray();
        for (int i = 0; i < lines.Count; i++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int b = 0; b < batchSizes.Count; b++)
                if (lines[i].SequencesPerSecond[b] is { } v && double.IsFinite(v)) { xs.Add(positions[b]); ys.Add(v); }
            if (xs.Count == 0) continue;
            var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            scatter.Color = palette.GetColor(i);
            scatter.MarkerSize = 7;
            scatter.LegendText = lines[i].Label;
        }
        plot.Axes.Bottom.SetTicks(positions, batchSizes.Select(b => b.ToString(CultureInfo.InvariantCulture)).ToArray());
        var highest = lines.SelectMany(l => l.SequencesPerSecond).Where(v => v is { } x && double.IsFinite(x)).DefaultIfEmpty(1).Max() ?? 1;
        plot.Axes.SetLimitsY(0, highest * 1.1);
        plot.Title(title);
        plot.XLabel("batch size");
        plot.YLabel("sequences per second");
        plot.ShowLegend(Alignment.UpperLeft);
        return Render(plot, title, stem, options);
    }

    /// <summary>Bars of model file size per variant.</summary>
    public static ChartBlock? SizeBars(string stem, string title, IReadOnlyList<(string Label, double Megabytes)> bars, ReportOptions options)
    {
        if (bars.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var items = bars.Select((b, i) => new Bar { Position = i, Value = b.Megabytes, FillColor = palette.GetColor(i) }).ToList();
        plot.Add.Bars(items);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, bars.Count).Select(i => (double)i).ToArray(), bars.Select(b => b.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel("model file size (MB)");
        return Render(plot, title, stem, options);
    }

    /// <summary>
    /// Test macro-F1 (y) against throughput (x) for the pruning trade-off: colour says the variant, shape the role. The
    /// pruned models of one variant are a line of circles labelled with their names, ordered by throughput; the unpruned
    /// source is a square, every other model (a distilled student) a triangle.
    /// </summary>
    public static ChartBlock? ThroughputVsMacroF1(string stem, string title,
        IReadOnlyList<(TradeOffRole Role, string Model, string Variant, double Throughput, double MacroF1)> points, ReportOptions options)
    {
        if (points.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var variants = points.Select(p => p.Variant).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Color ColorOf(string variant) => palette.GetColor(variants.FindIndex(v => string.Equals(v, variant, StringComparison.OrdinalIgnoreCase)));
        foreach (var variant in variants)
        {
            var pruned = points.Where(p => p.Role == TradeOffRole.Pruned && string.Equals(p.Variant, variant, StringComparison.OrdinalIgnoreCase)).OrderBy(p => p.Throughput).ToList();
            if (pruned.Count == 0) continue;
            var line = plot.Add.Scatter(pruned.Select(p => p.Throughput).ToArray(), pruned.Select(p => p.MacroF1 * 100).ToArray());
            line.Color = ColorOf(variant);
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = 8;
            line.LegendText = $"pruned {variant}";
            foreach (var p in pruned)
            {
                var label = plot.Add.Text(p.Model, p.Throughput, p.MacroF1 * 100);
                label.LabelFontSize = 11;
                label.LabelFontColor = ColorOf(variant);
            }
        }
        foreach (var p in points.Where(p => p.Role != TradeOffRole.Pruned))
        {
            var marker = plot.Add.ScatterPoints(new[] { p.Throughput }, new[] { p.MacroF1 * 100 });
            marker.Color = ColorOf(p.Variant);
            marker.MarkerShape = p.Role == TradeOffRole.Source ? MarkerShape.FilledSquare : MarkerShape.FilledTriangleUp;
            marker.MarkerSize = 12;
            marker.LegendText = $"{p.Model} {p.Variant}{(p.Role == TradeOffRole.Source ? " (unpruned)" : "")}";
        }
        plot.Title(title);
        plot.XLabel("throughput (sequences per second)");
        plot.YLabel("test macro-F1 (%)");
        // Name labels sit right of their points and do not count in auto-scaling: leave room for the rightmost.
        plot.Axes.Margins(left: 0.05, right: 0.15, bottom: 0.1, top: 0.1);
        // Outside the data area: trade-off points fill every corner of it.
        plot.ShowLegend(Edge.Right);
        return Render(plot, title, stem, options);
    }

    /// <summary>Training loss (left axis) and validation macro-F1 (right axis) per epoch.</summary>
    public static ChartBlock? TrainingCurves(string stem, string title, IReadOnlyList<EpochSummary> epochs, ReportOptions options)
    {
        var loss = epochs.Where(e => e.TrainLoss is not null).ToList();
        var f1 = epochs.Where(e => e.ValidationMacroF1 is not null).ToList();
        if (loss.Count == 0 && f1.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        if (loss.Count > 0)
        {
            var s = plot.Add.Scatter(loss.Select(e => (double)e.Epoch).ToArray(), loss.Select(e => e.TrainLoss!.Value).ToArray());
            s.LegendText = "training loss";
            s.Color = palette.GetColor(0);
            s.MarkerSize = 7;
            plot.YLabel("training loss");
        }
        if (f1.Count > 0)
        {
            var s = plot.Add.Scatter(f1.Select(e => (double)e.Epoch).ToArray(), f1.Select(e => e.ValidationMacroF1!.Value * 100).ToArray());
            s.LegendText = "validation macro-F1 (%)";
            s.Color = palette.GetColor(1);
            s.MarkerSize = 7;
            s.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "validation macro-F1 (%)";
        }
        var epochNumbers = epochs.Select(e => e.Epoch).Distinct().Order().ToArray();
        plot.Axes.Bottom.SetTicks(epochNumbers.Select(e => (double)e).ToArray(), epochNumbers.Select(e => e.ToString(CultureInfo.InvariantCulture)).ToArray());
        plot.Title(title);
        plot.XLabel("epoch");
        plot.ShowLegend(Alignment.UpperRight);
        return Render(plot, title, stem, options);
    }

    private static ChartBlock Render(Plot plot, string title, string stem, ReportOptions options)
    {
        var svg = plot.GetSvgXml(options.ChartWidth, options.ChartHeight);
        var png = plot.GetImageBytes(options.ChartWidth, options.ChartHeight, ImageFormat.Png);
        return new ChartBlock(title, stem, svg, png);
    }
}
