using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>export.json: what <c>ppkm export</c> made a package from and how (written beside model.onnx).</summary>
public sealed record ExportRecord : ArtifactRecord
{
    /// <summary><c>source_checkpoint</c>: the checkpoint folder exported, as a full path when written.</summary>
    public required string SourceCheckpoint { get; init; }
    /// <summary><c>source_sha256</c>: SHA-256 (hex) of the checkpoint's model.safetensors.</summary>
    public required string SourceSha256 { get; init; }
    /// <summary><c>model_type</c>: bert or distilbert.</summary>
    public required string ModelType { get; init; }
    /// <summary><c>graph</c>: the graph flavour written (fused, portable).</summary>
    public required string Graph { get; init; }
    /// <summary><c>opset</c>: the ONNX default-domain opset.</summary>
    public required int Opset { get; init; }
    /// <summary><c>ir_version</c>: the ONNX IR version.</summary>
    public required long IrVersion { get; init; }
    /// <summary><c>max_length</c>: tokens per text the package was exported for.</summary>
    public required int MaxLength { get; init; }
    /// <summary><c>tokenizer_json</c>: how tokenizer.json got into the package ("copied", "generated from vocab.txt", "not written: …").</summary>
    public required string TokenizerJson { get; init; }
    /// <summary><c>labels</c>: class names by id.</summary>
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary><c>inputs</c>: the graph's input names in feed order.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary><c>outputs</c>: the graph's output names.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }
    /// <summary><c>nodes</c>: nodes in the graph.</summary>
    public required int Nodes { get; init; }
    /// <summary><c>exported_utc</c>: when, ISO 8601 round-trip text as written (kept as text so it reads back character for character).</summary>
    public required string ExportedUtc { get; init; }
    /// <summary>
    /// <c>validation</c>: the parity table of the exported graph against the reference model, or null when not validated.
    /// Kept as JSON: its shape belongs to the exporter's validator (PpkmOnnx.Onnx.Validation), which writes it.
    /// </summary>
    public required JsonObject? Validation { get; init; }
}
