namespace PpkmOnnx.Core.Data;

/// <summary>One example: the text and its class id (an index into the dataset's label names).</summary>
/// <param name="Text">The tweet or sentence, verbatim.</param>
/// <param name="Label">Class id, 0-based, into <see cref="TextClassificationDataset.LabelNames"/>.</param>
/// <param name="SourceLine">1-based line of the source file where the record starts (0 when synthetic).</param>
public sealed record LabelledText(string Text, int Label, int SourceLine = 0);
