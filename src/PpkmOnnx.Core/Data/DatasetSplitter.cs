namespace PpkmOnnx.Core.Data;

/// <summary>
/// Stratified splits and subsamples with <see cref="SplitMix64"/>, so the same rows and seed give the same result byte for
/// byte on every machine. Per class (in class-id order) the rows are shuffled; validation and test take
/// round(n × fraction) rows each (midpoint away from zero), train the rest; each part is then shuffled once more so
/// classes are interleaved.
/// </summary>
public static class DatasetSplitter
{
    private const ulong SplitStream = 1;
    private const ulong LimitStream = 2;

    /// <summary>Splits <paramref name="dataset"/> into train/validation/test, stratified by class.</summary>
    public static DatasetSplit Split(TextClassificationDataset dataset, SplitOptions? options = null)
    {
        options ??= new SplitOptions();
        if (options.ValidationFraction < 0 || options.TestFraction < 0 || options.ValidationFraction + options.TestFraction >= 1)
            throw new ArgumentException($"split fractions validation {options.ValidationFraction} and test {options.TestFraction} must be ≥ 0 and sum below 1.");
        var rng = SplitMix64.Create(options.Seed, SplitStream);
        var train = new List<LabelledText>();
        var validation = new List<LabelledText>();
        var test = new List<LabelledText>();
        foreach (var group in ByClass(dataset))
        {
            rng.Shuffle(group);
            int n = group.Count;
            int nValidation = (int)Math.Round(n * options.ValidationFraction, MidpointRounding.AwayFromZero);
            int nTest = (int)Math.Round(n * options.TestFraction, MidpointRounding.AwayFromZero);
            if (nValidation + nTest >= n) { nValidation = 0; nTest = 0; } // too few rows of this class to hold any out
            validation.AddRange(group.Take(nValidation));
            test.AddRange(group.Skip(nValidation).Take(nTest));
            train.AddRange(group.Skip(nValidation + nTest));
        }
        rng.Shuffle(train);
        rng.Shuffle(validation);
        rng.Shuffle(test);
        var parts = (Train: dataset with { Rows = train }, Validation: dataset with { Rows = validation }, Test: dataset with { Rows = test });
        return new DatasetSplit(parts.Train, parts.Validation, parts.Test, options.Seed);
    }

    /// <summary>
    /// A stratified subsample of <paramref name="limit"/> rows (the paper's 1,000- and 5,000-row runs): each class gets
    /// its share by largest remainder (ties to the lower class id), rows drawn at random, kept in file order.
    /// Returns the dataset unchanged when it has no more than <paramref name="limit"/> rows.
    /// </summary>
    public static TextClassificationDataset Limit(TextClassificationDataset dataset, int limit, int seed)
    {
        if (limit <= 0) throw new UserInputException($"--limit must be positive, got {limit}.");
        if (dataset.Rows.Count <= limit) return dataset;
        var groups = ByClass(dataset);
        var quota = Quotas(groups.Select(g => g.Count).ToArray(), limit);
        var rng = SplitMix64.Create(seed, LimitStream);
        var chosen = new HashSet<LabelledText>(ReferenceEqualityComparer.Instance);
        for (int c = 0; c < groups.Count; c++)
        {
            rng.Shuffle(groups[c]);
            foreach (var row in groups[c].Take(quota[c])) chosen.Add(row);
        }
        return dataset with { Rows = dataset.Rows.Where(chosen.Contains).ToList() };
    }

    /// <summary>
    /// <paramref name="limit"/> split over classes in proportion to <paramref name="classCounts"/> by largest remainder
    /// (ties to the lower class id).
    /// </summary>
    internal static int[] Quotas(IReadOnlyList<int> classCounts, int limit)
    {
        long total = classCounts.Sum(c => (long)c);
        var quota = classCounts.Select(c => (int)(c * (long)limit / total)).ToArray();
        var order = Enumerable.Range(0, classCounts.Count).OrderByDescending(c => classCounts[c] * (long)limit % total).ThenBy(c => c).ToList();
        for (int k = 0, left = limit - quota.Sum(); left > 0; k++, left--) quota[order[k % order.Count]]++;
        return quota;
    }

    private static List<List<LabelledText>> ByClass(TextClassificationDataset dataset)
    {
        var groups = Enumerable.Range(0, dataset.LabelNames.Count).Select(_ => new List<LabelledText>()).ToList();
        foreach (var row in dataset.Rows) groups[row.Label].Add(row);
        return groups;
    }
}
