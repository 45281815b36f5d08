namespace PpkmOnnx.Onnx.Quantization;

/// <summary>How static quantization turns observed activations into a quantization range.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum (with 0 included).</summary>
    MinMax,
    /// <summary>Clips both tails: keeps the central <see cref="QuantizeOptions.CalibrationPercentile"/> percent of values.</summary>
    Percentile,
    /// <summary>Chooses the symmetric clip threshold minimising the KL divergence between the float and 8-bit histograms (TensorRT's method).</summary>
    Entropy,
}
