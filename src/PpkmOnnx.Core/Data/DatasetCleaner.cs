namespace PpkmOnnx.Core.Data;

/// <summary>
/// Cleaning as the paper did it (rows with a missing text or label are dropped by <see cref="DatasetReader"/>), plus:
/// exact duplicates (same text and label, compared ordinally) are dropped keeping the first, and texts with conflicting
/// labels are handled by <see cref="ConflictPolicy"/> (default: all their rows dropped). Row order is kept.
/// </summary>
public static class DatasetCleaner
{
    /// <summary>Cleans <paramref name="dataset"/>; <paramref name="missingDropped"/> is carried into the report.</summary>
    public static CleaningResult Clean(TextClassificationDataset dataset, ConflictPolicy policy = ConflictPolicy.DropAll, int missingDropped = 0)
    {
        var seen = new HashSet<(string, int)>();
        var unique = new List<LabelledText>(dataset.Rows.Count);
        var labelsByText = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var row in dataset.Rows)
        {
            if (!seen.Add((row.Text, row.Label))) continue;
            unique.Add(row);
            if (!labelsByText.TryGetValue(row.Text, out var set)) labelsByText[row.Text] = set = [];
            set.Add(row.Label);
        }
        int conflictingTexts = labelsByText.Count(p => p.Value.Count > 1);
        var kept = policy == ConflictPolicy.Keep ? unique : unique.Where(r => labelsByText[r.Text].Count == 1).ToList();
        var report = new CleaningReport(dataset.Rows.Count, missingDropped, dataset.Rows.Count - unique.Count, conflictingTexts,
            unique.Count - kept.Count, kept.Count, policy);
        return new CleaningResult(dataset with { Rows = kept }, report);
    }
}
