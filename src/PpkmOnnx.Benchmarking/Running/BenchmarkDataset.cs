using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>The test split a benchmark scores: texts, gold class ids and label names (the caller loads the data).</summary>
public sealed record BenchmarkDataset
{
    private BenchmarkDataset(IReadOnlyList<string> texts, IReadOnlyList<int> goldLabelIds, IReadOnlyList<string> labelNames, string? name, int? majorityLabelId)
    {
        Texts = texts;
        GoldLabelIds = goldLabelIds;
        LabelNames = labelNames;
        Name = name;
        MajorityLabelId = majorityLabelId;
    }

    /// <summary>The texts, verbatim.</summary>
    public IReadOnlyList<string> Texts { get; }
    /// <summary>Gold class id of each text.</summary>
    public IReadOnlyList<int> GoldLabelIds { get; }
    /// <summary>Label names by class id; must agree with each package's config.json id2label.</summary>
    public IReadOnlyList<string> LabelNames { get; }
    /// <summary>A name for reports (the file name, say), or null.</summary>
    public string? Name { get; }
    /// <summary>
    /// The class the majority baseline answers; null = the most frequent class of this split (lowest id on ties).
    /// Pass the training split's majority class to score the baseline as the paper does.
    /// </summary>
    public int? MajorityLabelId { get; }

    /// <summary>Validates and wraps a test split.</summary>
    /// <exception cref="ArgumentException">Empty split, lengths differ, fewer than two labels, or a label id out of range.</exception>
    public static BenchmarkDataset Create(IReadOnlyList<string> texts, IReadOnlyList<int> goldLabelIds, IReadOnlyList<string> labelNames,
        string? name = null, int? majorityLabelId = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(goldLabelIds);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (texts.Count == 0) throw new ArgumentException("the test split has no texts.", nameof(texts));
        if (texts.Count != goldLabelIds.Count)
            throw new ArgumentException($"the test split has {texts.Count} texts but {goldLabelIds.Count} gold labels.", nameof(goldLabelIds));
        if (labelNames.Count < 2) throw new ArgumentException($"need at least two label names, got {labelNames.Count}.", nameof(labelNames));
        for (int i = 0; i < goldLabelIds.Count; i++)
            if ((uint)goldLabelIds[i] >= (uint)labelNames.Count)
                throw new ArgumentException($"gold label id {goldLabelIds[i]} of text {i} is outside 0..{labelNames.Count - 1}.", nameof(goldLabelIds));
        if (majorityLabelId is { } m && (uint)m >= (uint)labelNames.Count)
            throw new ArgumentException($"majority label id {m} is outside 0..{labelNames.Count - 1}.", nameof(majorityLabelId));
        return new BenchmarkDataset(texts.ToArray(), goldLabelIds.ToArray(), labelNames.ToArray(), name, majorityLabelId);
    }

    /// <summary>Wraps a loaded dataset (its rows' texts and labels, its label names and source).</summary>
    public static BenchmarkDataset FromDataset(TextClassificationDataset dataset, int? majorityLabelId = null) =>
        Create(dataset.Rows.Select(r => r.Text).ToArray(), dataset.Rows.Select(r => r.Label).ToArray(), dataset.LabelNames,
            string.IsNullOrEmpty(dataset.Source) ? null : Path.GetFileName(dataset.Source), majorityLabelId);
}
