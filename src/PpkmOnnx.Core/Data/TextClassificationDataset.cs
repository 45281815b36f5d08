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
}
