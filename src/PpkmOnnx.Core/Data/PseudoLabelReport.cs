namespace PpkmOnnx.Core.Data;

/// <summary>What <see cref="PseudoLabels.AddToTrain"/> read and kept; recorded in training.json under <c>data.pseudo_labels</c>.</summary>
/// <param name="Path">The predictions file.</param>
/// <param name="MinConfidence">The confidence threshold applied.</param>
/// <param name="Read">Rows read.</param>
/// <param name="BelowConfidence">Rows left out because the predicted class's probability was below <paramref name="MinConfidence"/>.</param>
/// <param name="InEvaluationSplits">Rows left out because their text (compared by <see cref="TextMatchKey"/>) is a validation or test text.</param>
/// <param name="Excluded">Rows left out because their text is in an excluded file.</param>
/// <param name="InTrainOrRepeated">Rows left out because their text is already a labelled training text or an earlier pseudo-labelled row, or has no letters or digits.</param>
/// <param name="OverLimit">Confident rows left out by the limit (each class its share of the labelled rows, most confident first).</param>
/// <param name="Kept">Rows added to the training split.</param>
/// <param name="KeptClassCounts">Kept rows per class id.</param>
public sealed record PseudoLabelReport(
    string Path, double MinConfidence, int Read, int BelowConfidence, int InEvaluationSplits, int Excluded, int InTrainOrRepeated, int OverLimit,
    int Kept, IReadOnlyList<int> KeptClassCounts)
{
    /// <summary>One line for the console.</summary>
    public string ToLine(IReadOnlyList<string> labelNames) =>
        $"pseudo-labels: {Kept} of {Read} rows of {Path} added to train (confidence >= {MinConfidence:0.###}: {string.Join(", ", labelNames.Select((n, i) => $"{n} {KeptClassCounts[i]}"))}); "
        + $"left out: {BelowConfidence} below confidence, {InEvaluationSplits} validation/test texts, {Excluded} excluded texts, {InTrainOrRepeated} repeated, {OverLimit} over the limit.";
}
