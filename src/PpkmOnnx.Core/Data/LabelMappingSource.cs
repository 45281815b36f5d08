namespace PpkmOnnx.Core.Data;

/// <summary>Where a label mapping came from; always shown to the user, because the files do not say what their labels mean.</summary>
public enum LabelMappingSource
{
    /// <summary>Given by the user (<c>--labels</c>).</summary>
    User,
    /// <summary>The built-in default for a known header (the Kaggle PPKM file).</summary>
    BuiltInDefault,
    /// <summary>The file's label values are class names already (negative/neutral/positive, …).</summary>
    NamesInFile,
    /// <summary>No mapping: raw values are used as class names as they are.</summary>
    RawValues,
}
