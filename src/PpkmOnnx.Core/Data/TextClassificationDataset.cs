namespace PpkmOnnx.Core.Data;

/// <summary>Labelled texts with their class names; class id i is <c>LabelNames[i]</c>.</summary>
/// <param name="Rows">The examples, in file order.</param>
/// <param name="LabelNames">Class names by id (e.g. negative, neutral, positive).</param>
/// <param name="Source">Where the rows came from (a path), for messages and fingerprints.</param>
public sealed record TextClassificationDataset(IReadOnlyList<LabelledText> Rows, IReadOnlyList<string> LabelNames, string Source = "")
{
    /// <summary>Count of rows per class id.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[LabelNames.Count];
        foreach (var r in Rows) counts[r.Label]++;
        return counts;
    }

    /// <summary>
    /// The class a majority-class baseline trained on these rows answers: the most frequent, the lowest id on ties
    /// (see <see cref="MajorityLabelIdOf"/>).
    /// </summary>
    public int MajorityLabelId() => MajorityLabelIdOf(ClassCounts());

    /// <summary>
    /// The majority class of per-class counts: the most frequent, the lowest id on ties. The one rule behind every majority
    /// baseline (bench's, from the training split, and data inspect's), so they cannot disagree on a tie.
    /// </summary>
    /// <exception cref="ArgumentException">No classes.</exception>
    public static int MajorityLabelIdOf(IReadOnlyList<int> classCounts)
    {
        ArgumentNullException.ThrowIfNull(classCounts);
        if (classCounts.Count == 0) throw new ArgumentException("no classes to choose a majority from.", nameof(classCounts));
        int majority = 0;
        for (int i = 1; i < classCounts.Count; i++)
            if (classCounts[i] > classCounts[majority]) majority = i;
        return majority;
    }
}
