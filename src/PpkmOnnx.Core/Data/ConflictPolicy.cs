namespace PpkmOnnx.Core.Data;

/// <summary>What cleaning does with a text that appears with more than one label.</summary>
public enum ConflictPolicy
{
    /// <summary>Drop every row of the text: the annotators disagreed, so no label is trustworthy (default).</summary>
    DropAll,
    /// <summary>Keep one row per (text, label): the model sees the disagreement as annotated.</summary>
    Keep,
}
