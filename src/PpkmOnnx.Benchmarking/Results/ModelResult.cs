using System.Text.Json.Nodes;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>The results of one model package: its metadata and every variant measured.</summary>
public sealed record ModelResult
{
    /// <summary>Display name (given, or the package folder's name).</summary>
    public required string Name { get; init; }
    /// <summary>The package folder as given.</summary>
    public required string PackageFolder { get; init; }
    /// <summary><c>ppkm.model_type</c> (bert, distilbert) or config.json <c>model_type</c>, or null.</summary>
    public string? ModelType { get; init; }
    /// <summary>Maximum tokens per text used for evaluation and the "data" shape.</summary>
    public required int MaxLength { get; init; }
    /// <summary>Elements of the FP32 graph's initializers (or of the first variant measured when FP32 was not).</summary>
    public required long ParameterCount { get; init; }
    /// <summary>Trainable parameters from training.json, or null.</summary>
    public long? TrainableParameters { get; init; }
    /// <summary>Training wall time in seconds from training.json, or null.</summary>
    public double? TrainingSeconds { get; init; }
    /// <summary>What training.json said, or null when none was found.</summary>
    public TrainingSummary? Training { get; init; }
    /// <summary>export.json as written by <c>ppkm export</c>, or null.</summary>
    public JsonNode? Export { get; init; }
    /// <summary>quantize.json as written by <c>ppkm quantize</c>, or null.</summary>
    public JsonNode? Quantize { get; init; }
    /// <summary>Token counts of the test texts with this model's tokenizer ([CLS] and [SEP] included, before truncation).</summary>
    public required TokenLengthSummary TokenLengths { get; init; }
    /// <summary>
    /// Variants present but not measured, each with the reason ("fp16: …"); empty when the file does not say. Settable, not init-only: the source generator fills init-only properties through the constructor, which drops this default when the field is missing.
    /// </summary>
    public IReadOnlyList<string> SkippedVariants { get; set; } = [];
    /// <summary>The variants measured.</summary>
    public required IReadOnlyList<VariantResult> Variants { get; init; }

    /// <summary>The variant named <paramref name="variant"/> (fp32, int8, …), or null.</summary>
    public VariantResult? FindVariant(string variant) =>
        Variants.FirstOrDefault(v => string.Equals(v.Variant, variant, StringComparison.OrdinalIgnoreCase));
}
