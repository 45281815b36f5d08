namespace PpkmOnnx.Core.Data;

/// <summary>A train/validation/test split and its fingerprint (for training.json).</summary>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows (model selection).</param>
/// <param name="Test">Test rows (reported metrics).</param>
/// <param name="Seed">Seed it was made with.</param>
/// <param name="Fingerprint"><see cref="DatasetFingerprint"/> of train, validation and test in that order.</param>
public sealed record DatasetSplit(TextClassificationDataset Train, TextClassificationDataset Validation, TextClassificationDataset Test, int Seed, string Fingerprint);
