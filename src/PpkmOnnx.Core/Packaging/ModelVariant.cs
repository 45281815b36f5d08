namespace PpkmOnnx.Core.Packaging;

/// <summary>The precision variants a model package can hold, each in its own ONNX file.</summary>
public enum ModelVariant
{
    /// <summary>float32, as exported: <c>model.onnx</c>.</summary>
    Fp32,
    /// <summary>INT8 dynamic quantization (weights int8, activations at run time): <c>model.int8.onnx</c>.</summary>
    Int8,
    /// <summary>INT8 static QDQ with calibrated activation ranges: <c>model.int8-static.onnx</c>.</summary>
    Int8Static,
    /// <summary>float16 weights and compute, float32 I/O (a GPU variant): <c>model.fp16.onnx</c>.</summary>
    Fp16,
}
