namespace PpkmOnnx.Runtime;

/// <summary>An input item and the classification of its text.</summary>
/// <typeparam name="T">The caller's item (a row, a record, a text).</typeparam>
/// <param name="Item">The item as given.</param>
/// <param name="Result">The classification of its text.</param>
public sealed record ClassifiedItem<T>(T Item, ClassificationResult Result);
