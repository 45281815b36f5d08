namespace PpkmOnnx.Core.Data;

/// <summary>
/// A train/validation/test split; class id i is <c>LabelNames[i]</c> in every part. Training takes it as is: train rows
/// feed the optimizer, validation picks the best epoch, test (may be empty) is scored once.
/// </summary>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows (model selection).</param>
/// <param name="Test">Test rows (reported metrics).</param>
/// <param name="Seed">Seed it was made with.</param>
public sealed record DatasetSplit(TextClassificationDataset Train, TextClassificationDataset Validation, TextClassificationDataset Test, int Seed)
{
    /// <summary>Class names by id (those of <see cref="Train"/>; <see cref="Validate"/> checks the parts agree).</summary>
    public IReadOnlyList<string> LabelNames => Train.LabelNames;

    /// <summary>Where the rows came from (a path), recorded in training.json.</summary>
    public string Source => Train.Source;

    /// <summary>What <see cref="Data.PseudoLabels.AddToTrain"/> added to <see cref="Train"/>; null when the training rows are all labelled.</summary>
    public PseudoLabelReport? PseudoLabels { get; init; }

    /// <summary>
    /// <see cref="DatasetFingerprint"/> of train, validation and test in that order (for training.json and resume checks).
    /// Computed from the rows on each call, so a copy made with <c>with</c> never carries a stale one.
    /// </summary>
    public string Fingerprint => DatasetFingerprint.Compute([("train", Train), ("validation", Validation), ("test", Test)]);

    /// <summary>
    /// Checks the split can train a classifier: at least two classes, the same class names in every part, train and
    /// validation non-empty (validation selects the best epoch), every label id in range.
    /// </summary>
    /// <exception cref="ArgumentException">The first problem found, naming the split and row.</exception>
    public void Validate()
    {
        if (LabelNames.Count < 2) throw new UserInputException($"need at least two class names, got {LabelNames.Count}.");
        foreach (var (name, part) in new[] { ("validation", Validation), ("test", Test) })
            if (!part.LabelNames.SequenceEqual(LabelNames, StringComparer.Ordinal))
                throw new UserInputException($"the {name} split's class names [{string.Join(", ", part.LabelNames)}] differ from train's [{string.Join(", ", LabelNames)}].");
        if (Train.Rows.Count == 0) throw new UserInputException("the train split is empty.");
        if (Validation.Rows.Count == 0) throw new UserInputException("the validation split is empty (it selects the best epoch).");
        foreach (var (name, part) in new[] { ("train", Train), ("validation", Validation), ("test", Test) })
        {
            var rows = part.Rows;
            for (int i = 0; i < rows.Count; i++)
                if (rows[i].Label < 0 || rows[i].Label >= LabelNames.Count)
                    throw new UserInputException($"{name} row {i + 1}{(rows[i].SourceLine > 0 ? $" (line {rows[i].SourceLine})" : "")}: label id {rows[i].Label} is outside 0..{LabelNames.Count - 1}.");
        }
    }
}
