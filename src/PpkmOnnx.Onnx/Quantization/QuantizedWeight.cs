namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// A weight matrix <c>[Rows, Columns]</c> (ONNX MatMul B layout: rows are input features, columns output channels)
/// quantized to int8 symmetrically: <c>w ≈ Values[r, c] × Scales[c]</c> (per channel) or <c>× Scales[0]</c> (per tensor).
/// Zero points are all 0.
/// </summary>
/// <param name="Values">Row-major int8 values.</param>
/// <param name="Scales">One scale per column, or a single scale (from <see cref="WeightQuantizer.QuantizeRows"/>: one per row).</param>
/// <param name="Rows">K, the input features.</param>
/// <param name="Columns">N, the output channels.</param>
/// <param name="QuantMax">The largest magnitude used: 127, or 63 with reduced range.</param>
public sealed record QuantizedWeight(sbyte[] Values, float[] Scales, int Rows, int Columns, int QuantMax)
{
    /// <summary>True when there is one scale per output channel.</summary>
    public bool PerChannel => Scales.Length == Columns && Columns > 1;

    /// <summary>The float value stored at (<paramref name="row"/>, <paramref name="column"/>) after dequantization (weights from <see cref="WeightQuantizer.Quantize"/>).</summary>
    public float Dequantized(int row, int column) => Values[row * Columns + column] * Scales[PerChannel ? column : 0];
}
