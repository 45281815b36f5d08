namespace PpkmOnnx.Core.Data;

/// <summary>
/// Self-training data: adds a model's confident predictions on unlabelled text (a <c>ppkm predict</c> file) to a split's
/// training rows. Validation and test never change, and no pseudo-labelled text may equal a validation or test text under
/// <see cref="TextMatchKey"/> (the unlabelled corpora were cleaned, the labelled files were not, so exact equality would
/// miss copies), so the split's evaluation stays what it was without them.
/// </summary>
public static class PseudoLabels
{
    /// <summary>
    /// <paramref name="split"/> with the confident, new rows of <paramref name="options"/>' file appended to its training rows
    /// (in file order, after the labelled ones) and <see cref="DatasetSplit.PseudoLabels"/> saying what was kept and why the rest was not.
    /// </summary>
    /// <exception cref="UserInputException">The file is missing, lacks a column, or names a class the split does not have.</exception>
    public static DatasetSplit AddToTrain(DatasetSplit split, PseudoLabelOptions options)
    {
        options.Validate();
        var rows = PseudoLabelFile.Read(options.Path, split.LabelNames);
        var evaluation = split.Validation.Rows.Concat(split.Test.Rows).Select(r => TextMatchKey.Of(r.Text)).ToHashSet(StringComparer.Ordinal);
        var excluded = options.ExcludeTextsFrom.SelectMany(TextRowReader.ReadAllTexts).Select(TextMatchKey.Of).ToHashSet(StringComparer.Ordinal);
        var seen = split.Train.Rows.Select(r => TextMatchKey.Of(r.Text)).ToHashSet(StringComparer.Ordinal);
        int below = 0, inEvaluation = 0, inExcluded = 0, repeated = 0;
        var confident = new List<PseudoLabelFile.Prediction>();
        foreach (var row in rows)
        {
            if (row.Confidence < options.MinConfidence) { below++; continue; }
            var key = TextMatchKey.Of(row.Text);
            if (key.Length == 0) { repeated++; continue; }
            if (evaluation.Contains(key)) { inEvaluation++; continue; }
            if (excluded.Contains(key)) { inExcluded++; continue; }
            if (!seen.Add(key)) { repeated++; continue; }
            confident.Add(row);
        }
        var kept = options.Limit is int limit ? MostConfidentByClassShare(confident, split.Train.ClassCounts(), limit) : confident.Select(c => c.Row).ToList();
        var keptCounts = new TextClassificationDataset(kept, split.LabelNames).ClassCounts();
        var report = new PseudoLabelReport(options.Path, options.MinConfidence, rows.Count, below, inEvaluation, inExcluded, repeated,
            confident.Count - kept.Count, kept.Count, keptCounts);
        return split with { Train = split.Train with { Rows = [.. split.Train.Rows, .. kept] }, PseudoLabels = report };
    }

    /// <summary>
    /// At most <paramref name="limit"/> rows: each class gets its share of the labelled training rows (largest remainder),
    /// filled with its most confident predictions (ties in file order), as Noisy Student balances its pseudo-labels, so they
    /// do not move the class prior the model learns; a class with too few confident rows keeps all it has. File order kept.
    /// </summary>
    private static List<LabelledText> MostConfidentByClassShare(List<PseudoLabelFile.Prediction> confident, IReadOnlyList<int> labelledCounts, int limit)
    {
        var quota = DatasetSplitter.Quotas(labelledCounts, limit);
        var chosen = confident
            .Select((p, order) => (p, order))
            .GroupBy(x => x.p.Row.Label)
            .SelectMany(g => g.OrderByDescending(x => x.p.Confidence).ThenBy(x => x.order).Take(quota[g.Key]))
            .OrderBy(x => x.order);
        return chosen.Select(x => x.p.Row).ToList();
    }
}
