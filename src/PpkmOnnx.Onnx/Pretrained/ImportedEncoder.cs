using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>A BERT encoder recovered from an exported ONNX graph: inferred config and Hugging Face-named tensors in torch layout.</summary>
/// <param name="Config">Configuration inferred from the graph.</param>
/// <param name="Tensors">Tensors by Hugging Face name (Linear weights [out, in]).</param>
public sealed record ImportedEncoder(ModelConfig Config, IReadOnlyDictionary<string, TensorData> Tensors);
