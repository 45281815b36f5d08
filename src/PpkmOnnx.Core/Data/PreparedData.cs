namespace PpkmOnnx.Core.Data;

/// <summary>A file read, cleaned, optionally subsampled and split: everything a training run needs and records.</summary>
/// <param name="Loaded">The file as read (format, columns, label mapping).</param>
/// <param name="Cleaning">What cleaning removed.</param>
/// <param name="Dataset">The rows used (cleaned, then limited).</param>
/// <param name="Limit">The <c>--limit</c> applied, or null.</param>
/// <param name="Split">Stratified train/validation/test split of <paramref name="Dataset"/>.</param>
public sealed record PreparedData(LoadedDataset Loaded, CleaningReport Cleaning, TextClassificationDataset Dataset, int? Limit, DatasetSplit Split)
{
    /// <summary>Rows dropped because their text appears in <see cref="DataLoadOptions.ExcludeTextsFrom"/>.</summary>
    public int OverlapDropped { get; init; }

    /// <summary>Reads, cleans, limits and splits (80/10/10) as <paramref name="options"/> says.</summary>
    public static PreparedData Prepare(DataLoadOptions options, SplitOptions? split = null)
    {
        var loaded = DatasetReader.Read(options);
        var cleaned = DatasetCleaner.Clean(loaded.Dataset, options.Conflicts, loaded.MissingDropped);
        var kept = cleaned.Dataset;
        int overlap = 0;
        if (options.ExcludeTextsFrom is { } other)
        {
            var excluded = TextRowReader.ReadAllTexts(other).ToHashSet(StringComparer.Ordinal);
            var rows = kept.Rows.Where(r => !excluded.Contains(r.Text)).ToList();
            overlap = kept.Rows.Count - rows.Count;
            kept = kept with { Rows = rows };
        }
        var dataset = options.Limit is int n ? DatasetSplitter.Limit(kept, n, options.Seed) : kept;
        var parts = DatasetSplitter.Split(dataset, (split ?? new SplitOptions()) with { Seed = options.Seed });
        return new PreparedData(loaded, cleaned.Report, dataset, options.Limit, parts) { OverlapDropped = overlap };
    }
}
