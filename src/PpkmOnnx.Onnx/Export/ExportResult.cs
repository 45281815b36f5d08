using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Export;

/// <summary>What <see cref="OnnxExporter.Export"/> wrote.</summary>
/// <param name="PackageFolder">The model package folder.</param>
/// <param name="ModelPath">Its model.onnx.</param>
/// <param name="Flavour">Graph flavour written.</param>
/// <param name="NodeCount">Nodes in the graph.</param>
/// <param name="SourceSha256">SHA-256 of the checkpoint's model.safetensors.</param>
/// <param name="Validation">The validation table, when validation ran.</param>
/// <param name="TritonModelFolder">The Triton model folder, when one was written.</param>
public sealed record ExportResult(string PackageFolder, string ModelPath, GraphFlavour Flavour, int NodeCount, string SourceSha256,
    ValidationReport? Validation, string? TritonModelFolder);
