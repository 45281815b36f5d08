using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>What <see cref="PretrainedImporter.Import"/> wrote.</summary>
/// <param name="Folder">The Hugging Face checkpoint folder.</param>
/// <param name="Config">Its configuration (inferred from the graph).</param>
/// <param name="TensorCount">Tensors written to model.safetensors.</param>
/// <param name="SourceAssembly">The DLL the weights came from.</param>
public sealed record PretrainedImportResult(string Folder, ModelConfig Config, int TensorCount, string SourceAssembly);
