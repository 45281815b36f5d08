using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Benchmarking.Results;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>
/// The report's "Pruning trade-off" section for one run: a table of every (model, variant) with kept heads/FFN,
/// parameters, size, latency, throughput and quality, a sentence setting the other models (a distilled student)
/// against the pruned model of nearest throughput, and a chart of throughput against test macro-F1. A model counts as
/// pruned when the checkpoint its package was exported from (export.json's <c>source_checkpoint</c>, which bench
/// recorded) holds a prune.json; a run without one gets no section, so its report is unchanged.
/// </summary>
internal static class PruningTradeOff
{
    private sealed record Entry(ModelResult Model, TradeOffRole Role, PruneRecord? Record);

    /// <summary>Adds the section to <paramref name="blocks"/> when <paramref name="report"/> holds a pruned model.</summary>
    /// <exception cref="PpkmOnnx.Core.UserInputException">A pruned model's prune.json is malformed.</exception>
    public static void Add(List<ReportBlock> blocks, BenchmarkReport report, string run, ReportOptions options, Func<string, string> stem,
        string? latencySequence, int? latencyBatch, string? throughputSequence, int? throughputBatch)
    {
        var entries = Classify(report.Models);
        if (!entries.Any(e => e.Role == TradeOffRole.Pruned)) return;
        double? Throughput(VariantResult v) => throughputSequence is null || throughputBatch is null ? null : v.FindTiming(throughputSequence, throughputBatch.Value)?.SequencesPerSecond;
        double? Latency(VariantResult v) => latencySequence is null || latencyBatch is null ? null : v.FindTiming(latencySequence, latencyBatch.Value)?.LatencyP50Ms;
        var source = entries.FirstOrDefault(e => e.Role == TradeOffRole.Source)?.Model.FindVariant(options.ReferenceVariant);
        var sourceThroughput = source is null ? null : Throughput(source);

        blocks.Add(new HeadingBlock(2, "Pruning trade-off" + run));
        blocks.Add(new ParagraphBlock("Models exported from pruned checkpoints (export.json's source checkpoint holds a prune.json), the unpruned model they were pruned from "
            + "and the run's other models for comparison. Heads and FFN kept: remaining attention heads (summed over layers) and FFN neurons per layer over the source's. "
            + "Parameters: prune.json's count for pruned models, training.json's trainable count (else the graph's) for the others. "
            + $"Latency: p50 at batch {latencyBatch}, sequence {latencySequence}; throughput: batch {throughputBatch}, sequence {throughputSequence}, median over repeats; "
            + $"× source: throughput over the unpruned source's {options.ReferenceVariant}. Test scores are this run's. Validation macro-F1: prune.json's guard for the "
            + $"{options.ReferenceVariant} rows, else quantize.json's guard; Δ guard: pruned minus source validation macro-F1 ({options.ReferenceVariant}), from prune.json."));
        blocks.Add(new TableBlock(
            ["Model", "Role", "Variant", "Heads kept", "FFN kept", "Parameters", "Size (MB)", "Latency p50 (ms)", "Throughput (seq/s)", "× source",
             "Test accuracy", "Test macro-F1", "Validation macro-F1", "Δ guard (validation)"],
            entries.SelectMany(e => e.Model.Variants.Select(v => Row(e, v, options, Latency(v), Throughput(v), sourceThroughput))).ToList()));
        foreach (var sentence in NearestPrunedComparisons(entries, Throughput))
            blocks.Add(new ParagraphBlock(sentence));

        var points = entries.SelectMany(e => e.Model.Variants.Select(v => (Entry: e, Variant: v, Throughput: Throughput(v))))
            .Where(p => p.Throughput is not null)
            .Select(p => (p.Entry.Role, p.Entry.Model.Name, p.Variant.Variant, p.Throughput!.Value, p.Variant.Metrics.MacroF1))
            .ToList();
        var chart = ReportCharts.ThroughputVsMacroF1(stem($"pruning-trade-off{run}"),
            $"Throughput (batch {throughputBatch}, sequence {throughputSequence}) vs test macro-F1{run}", points, options);
        if (chart is not null) blocks.Add(chart);
    }

    // A source model's Record is the first prune.json that names it: its guard measured the source on validation too.
    private static List<Entry> Classify(IReadOnlyList<ModelResult> models)
    {
        var prunes = models.Select(m => PruneRecordReader.Locate(m) is { } path ? PruneRecordReader.Read(path) : null).ToList();
        return models.Select((m, i) =>
        {
            if (prunes[i] is { } own) return new Entry(m, TradeOffRole.Pruned, own);
            var checkpoint = TrainingRecordReader.SourceCheckpoint(m.PackageFolder, m.Export);
            var prunedFromIt = checkpoint is null ? null : prunes.FirstOrDefault(p => p is not null && SameFolder(p.SourceCheckpoint, checkpoint));
            return new Entry(m, prunedFromIt is null ? TradeOffRole.Other : TradeOffRole.Source, prunedFromIt);
        }).ToList();
    }

    private static IReadOnlyList<string> Row(Entry e, VariantResult v, ReportOptions options, double? latency, double? throughput, double? sourceThroughput)
    {
        bool reference = string.Equals(v.Variant, options.ReferenceVariant, StringComparison.OrdinalIgnoreCase);
        var pruned = e.Role == TradeOffRole.Pruned ? e.Record : null;
        var validation = e.Record?.FindCheck("validation");
        double? validationMacroF1 = !reference ? QuantizedValidationMacroF1(e.Model, v.Variant, "variant")
            : e.Role == TradeOffRole.Pruned ? validation?.PrunedMacroF1
            : validation?.SourceMacroF1 ?? QuantizedValidationMacroF1(e.Model, null, "fp32");
        // prune.json's drop is source − pruned; the table shows pruned − source, signed like the report's other deltas.
        double? guardDelta = reference && pruned?.FindCheck("validation") is { } check ? -check.MacroF1Drop : null;
        double? ratio = throughput is { } t && sourceThroughput is { } r && r > 0 ? t / r : null;
        return [
            e.Model.Name, RoleName(e.Role), v.Variant,
            pruned is null ? ReportFormat.Missing : ReportFormat.Percent(pruned.HeadsKept),
            pruned is null ? ReportFormat.Missing : ReportFormat.Percent(pruned.FfnKept),
            ReportFormat.Count(pruned?.ParametersAfter ?? e.Model.TrainableParameters ?? e.Model.ParameterCount),
            ReportFormat.Megabytes(v.FileSizeBytes), ReportFormat.Milliseconds(latency), ReportFormat.Number(throughput),
            ratio is { } x ? ReportFormat.Number(x, "0.00") + "×" : ReportFormat.Missing,
            ReportFormat.Percent(v.Metrics.Accuracy), ReportFormat.Percent(v.Metrics.MacroF1),
            ReportFormat.Percent(validationMacroF1), ReportFormat.PointsDelta(guardDelta)];
    }

    /// <summary>
    /// "At equal throughput": each variant of each other model (a distilled student) against the pruned model of the same
    /// variant whose throughput is nearest to it, with the test macro-F1 difference.
    /// </summary>
    private static IEnumerable<string> NearestPrunedComparisons(List<Entry> entries, Func<VariantResult, double?> throughput)
    {
        foreach (var other in entries.Where(e => e.Role == TradeOffRole.Other))
            foreach (var v in other.Model.Variants)
            {
                if (throughput(v) is not { } t) continue;
                var nearest = entries.Where(e => e.Role == TradeOffRole.Pruned)
                    .Select(e => (Model: e.Model, Variant: e.Model.FindVariant(v.Variant)))
                    .Select(p => (p.Model, p.Variant, Throughput: p.Variant is null ? null : throughput(p.Variant)))
                    .Where(p => p.Throughput is not null)
                    .MinBy(p => Math.Abs(p.Throughput!.Value - t));
                if (nearest.Variant is null) continue;
                yield return $"{other.Model.Name} {v.Variant}: {ReportFormat.Number(t)} seq/s, test macro-F1 {ReportFormat.Percent(v.Metrics.MacroF1)}; "
                    + $"the pruned {v.Variant} model nearest in throughput is {nearest.Model.Name} ({ReportFormat.Number(nearest.Throughput)} seq/s, "
                    + $"test macro-F1 {ReportFormat.Percent(nearest.Variant.Metrics.MacroF1)}, {ReportFormat.PointsDelta(nearest.Variant.Metrics.MacroF1 - v.Metrics.MacroF1)} against {other.Model.Name}).";
            }
    }

    /// <summary>
    /// The validation macro-F1 quantize.json's guard measured: of <paramref name="variant"/>'s <paramref name="side"/>
    /// (<c>variant</c> for the quantized model, <c>fp32</c> for the model it was quantized from; a null variant takes the
    /// first one recorded), or null when the record has none.
    /// </summary>
    private static double? QuantizedValidationMacroF1(ModelResult model, string? variant, string side)
    {
        // bench copied quantize.json as it was; read it leniently, as the report reads bench's other copies.
        if (model.Quantize?["variants"] is not JsonObject variants) return null;
        var record = variant is null ? variants.Select(kv => kv.Value).FirstOrDefault() : variants[variant];
        if (record?["checks"] is not JsonArray checks) return null;
        var validation = checks.FirstOrDefault(c => c?["set"] is JsonValue s && s.TryGetValue<string>(out var set) && set == "validation");
        return validation?[side]?["macro_f1"] is JsonValue f && f.TryGetValue<double>(out var value) ? value : null;
    }

    private static string RoleName(TradeOffRole role) => role switch
    {
        TradeOffRole.Pruned => "pruned",
        TradeOffRole.Source => "unpruned source",
        _ => "comparison",
    };

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
