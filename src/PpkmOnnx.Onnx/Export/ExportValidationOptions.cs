using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Export;

/// <summary>What <see cref="OnnxExporter"/> validates the written graph against.</summary>
public sealed record ExportValidationOptions
{
    /// <summary>The model the export must match (the TorchSharp model of the checkpoint in production).</summary>
    public required IReferenceModel Reference { get; init; }
    /// <summary>Texts to compare on (real tweets); at least one.</summary>
    public required IReadOnlyList<string> Texts { get; init; }
    /// <summary>Batch sizes; 1 and a larger one so padding is exercised.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = new[] { 1, 8 };
    /// <summary>Largest absolute difference accepted.</summary>
    public double Tolerance { get; init; } = ExportValidator.DefaultTolerance;
    /// <summary>When true (default) a failed validation aborts the export and nothing is written.</summary>
    public bool FailOnMismatch { get; init; } = true;
}
