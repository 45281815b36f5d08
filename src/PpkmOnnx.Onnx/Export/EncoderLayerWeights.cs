namespace PpkmOnnx.Onnx.Export;

/// <summary>One transformer encoder layer, named by role (BERT and DistilBERT map onto the same roles).</summary>
/// <param name="Query">Query projection.</param>
/// <param name="Key">Key projection.</param>
/// <param name="Value">Value projection.</param>
/// <param name="AttentionOutput">Attention output projection.</param>
/// <param name="AttentionNorm">LayerNorm after attention + residual.</param>
/// <param name="Intermediate">First feed-forward projection.</param>
/// <param name="Output">Second feed-forward projection.</param>
/// <param name="OutputNorm">LayerNorm after feed-forward + residual.</param>
public sealed record EncoderLayerWeights(
    LinearWeights Query, LinearWeights Key, LinearWeights Value, LinearWeights AttentionOutput, LayerNormWeights AttentionNorm,
    LinearWeights Intermediate, LinearWeights Output, LayerNormWeights OutputNorm);
