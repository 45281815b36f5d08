namespace PpkmOnnx.Onnx.Export;

/// <summary>How the encoder is spelled in ONNX.</summary>
public enum GraphFlavour
{
    /// <summary>Default-domain operators only (Gather, MatMul, LayerNormalization, Softmax, Erf...): any ONNX runtime runs it.</summary>
    Standard,
    /// <summary>ONNX Runtime's com.microsoft fused operators (EmbedLayerNormalization, Attention, SkipLayerNormalization, BiasGelu/FastGelu).</summary>
    Fused,
}
