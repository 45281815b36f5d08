namespace PpkmOnnx.Runtime;

/// <summary>One label and its softmax probability.</summary>
/// <param name="Label">Label name (from id2label).</param>
/// <param name="Score">Probability in [0, 1].</param>
public sealed record LabelScore(string Label, float Score);
