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

    /// <summary>The proportions and seed <see cref="Split"/> was made with.</summary>
    public SplitOptions SplitProportions { get; init; } = new();

    /// <summary>
    /// Refuses a split that leaves validation or test empty (too few rows left after cleaning, <c>--limit</c> and
    /// <c>--exclude-texts-from</c>): the one rule and wording of the commands that need both parts (data split writes them,
    /// quantize's accuracy guard scores them), to be checked before any work. <paramref name="remedy"/> ends the message.
    /// </summary>
    /// <param name="remedy">What the user can do, in words, e.g. "split more rows".</param>
    /// <exception cref="UserInputException">Validation or test is empty; the message names the file, the row count and the part.</exception>
    public void RequireValidationAndTestRows(string remedy)
    {
        int rows = Split.Train.Rows.Count + Split.Validation.Rows.Count + Split.Test.Rows.Count;
        var p = SplitProportions;
        string shares = $"{Percent(1 - p.ValidationFraction - p.TestFraction)}/{Percent(p.ValidationFraction)}/{Percent(p.TestFraction)}";
        foreach (var (name, part) in new[] { ("validation", Split.Validation), ("test", Split.Test) })
            if (part.Rows.Count == 0)
                throw new UserInputException($"{Loaded.Dataset.Source}: {shares} of {rows} rows leaves the {name} split empty; {remedy}.");

        static string Percent(double fraction) => Math.Round(fraction * 100, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

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
        var proportions = (split ?? new SplitOptions()) with { Seed = options.Seed };
        var parts = DatasetSplitter.Split(dataset, proportions);
        return new PreparedData(loaded, cleaned.Report, dataset, options.Limit, parts) { OverlapDropped = overlap, SplitProportions = proportions };
    }
}
