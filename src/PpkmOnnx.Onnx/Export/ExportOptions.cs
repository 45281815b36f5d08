namespace PpkmOnnx.Onnx.Export;

/// <summary>What <see cref="OnnxExporter.Export"/> reads, writes and checks.</summary>
public sealed record ExportOptions
{
    /// <summary>Checkpoint folder: config.json, model.safetensors, vocab.txt[, tokenizer_config.json].</summary>
    public required string CheckpointFolder { get; init; }
    /// <summary>Model package folder to create.</summary>
    public required string OutputFolder { get; init; }
    /// <summary>Graph flavour; fused by default.</summary>
    public GraphFlavour Flavour { get; init; } = GraphFlavour.Fused;
    /// <summary>Maximum sequence length recorded in the package; null takes the tokenizer's model_max_length capped by the position table.</summary>
    public int? MaxLength { get; init; }
    /// <summary>Replace an existing, non-empty output folder.</summary>
    public bool Overwrite { get; init; }
    /// <summary>Validation against a reference model; null skips it (export.json then says so).</summary>
    public ExportValidationOptions? Validation { get; init; }
    /// <summary>When set, also write a Triton model repository entry under this folder.</summary>
    public string? TritonRepository { get; init; }
    /// <summary>Model name inside the Triton repository; defaults to the output folder's name.</summary>
    public string? TritonModelName { get; init; }
    /// <summary>Triton <c>max_batch_size</c>.</summary>
    public int TritonMaxBatchSize { get; init; } = 32;
    /// <summary>Stops the export between steps and between validation batches; the staging folder is then deleted and nothing lands at the output.</summary>
    public CancellationToken Cancellation { get; init; }
}
