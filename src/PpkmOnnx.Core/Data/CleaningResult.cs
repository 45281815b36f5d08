namespace PpkmOnnx.Core.Data;

/// <summary>A cleaned dataset and the report of what was removed.</summary>
/// <param name="Dataset">The rows kept, in their original order.</param>
/// <param name="Report">Counts.</param>
public sealed record CleaningResult(TextClassificationDataset Dataset, CleaningReport Report);
