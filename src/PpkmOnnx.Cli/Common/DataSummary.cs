using PpkmOnnx.Core.Data;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The lines every data-reading command prints before it works: the file, the label mapping and where it came from
/// (never silent: the files do not say what their labels mean), cleaning, limit and split.
/// </summary>
internal static class DataSummary
{
    /// <summary>Writes the summary of <paramref name="data"/> to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, PreparedData data)
    {
        var loaded = data.Loaded;
        var c = data.Cleaning;
        var split = data.Split;
        console.MarkupLineInterpolated($"Data: {loaded.Dataset.Source} (text = {loaded.TextColumn}, label = {loaded.LabelColumn})");
        console.MarkupLineInterpolated($"Labels: [bold]{loaded.Labels.Describe()}[/] ({loaded.Labels.Description})");
        console.MarkupLineInterpolated(
            $"Cleaning: {c.MissingDropped} missing dropped, {c.ExactDuplicatesDropped} exact duplicates dropped, {c.ConflictingTexts} conflicting texts ({c.ConflictRowsDropped} rows dropped, policy {(c.Policy == ConflictPolicy.Keep ? "keep" : "drop")}), {c.RowsKept} rows kept.");
        if (loaded.Anomalies.Describe() is { } anomalies) console.MarkupLineInterpolated($"Reader: {anomalies}.");
        if (data.OverlapDropped > 0) console.MarkupLineInterpolated($"Overlap: {data.OverlapDropped} rows dropped because their text appears in --exclude-texts-from.");
        if (data.Limit is int limit) console.MarkupLineInterpolated($"Limit: {data.Dataset.Rows.Count} rows (--limit {limit}, stratified, seed {split.Seed})");
        console.MarkupLineInterpolated($"Split 80/10/10 (seed {split.Seed}): train {split.Train.Rows.Count}, validation {split.Validation.Rows.Count}, test {split.Test.Rows.Count}");
        console.MarkupLineInterpolated($"Split fingerprint: {split.Fingerprint}");
    }
}
