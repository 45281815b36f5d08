namespace PpkmOnnx.Onnx.Export;

/// <summary>A LayerNorm's scale and shift.</summary>
/// <param name="Gamma">Scale, [hidden].</param>
/// <param name="Beta">Shift, [hidden].</param>
public sealed record LayerNormWeights(float[] Gamma, float[] Beta);
