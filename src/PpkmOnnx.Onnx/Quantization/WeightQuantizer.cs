namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Symmetric int8 weight quantization: scale = max|w| / 127 per output channel (or per tensor), zero point 0,
/// values rounded half-to-even as ONNX Runtime does. With reduced range the weights use 7 bits (±63), which keeps
/// u8×s8 products from saturating the 16-bit intermediate sums of AVX2 <c>vpmaddubsw</c> on CPUs without VNNI.
/// </summary>
public static class WeightQuantizer
{
    /// <summary>Quantizes a row-major <c>[rows, columns]</c> matrix.</summary>
    /// <exception cref="ArgumentException">The span length is not rows × columns.</exception>
    public static QuantizedWeight Quantize(ReadOnlySpan<float> weights, int rows, int columns, bool perChannel, bool reduceRange)
    {
        if ((long)rows * columns != weights.Length)
            throw new ArgumentException($"weight has {weights.Length} values, not {rows}×{columns}.");
        int qmax = reduceRange ? 63 : 127;
        var scales = new float[perChannel ? columns : 1];
        if (perChannel)
        {
            var maxAbs = new float[columns];
            for (int r = 0; r < rows; r++)
            {
                var row = weights.Slice(r * columns, columns);
                for (int c = 0; c < columns; c++) maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(row[c]));
            }
            for (int c = 0; c < columns; c++) scales[c] = ScaleFor(maxAbs[c], qmax);
        }
        else
        {
            float maxAbs = 0;
            foreach (var w in weights) maxAbs = MathF.Max(maxAbs, MathF.Abs(w));
            scales[0] = ScaleFor(maxAbs, qmax);
        }
        var values = new sbyte[weights.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                float q = MathF.Round(weights[i] / scales[perChannel ? c : 0], MidpointRounding.ToEven);
                values[i] = (sbyte)Math.Clamp(q, -qmax, qmax);
            }
        }
        return new QuantizedWeight(values, scales, rows, columns, qmax);
    }

    /// <summary>
    /// Per-row symmetric quantization of an embedding table <c>[rows, columns]</c> (one scale per row, i.e. per token),
    /// returned in the same record with <see cref="QuantizedWeight.Scales"/> indexed by row.
    /// </summary>
    public static QuantizedWeight QuantizeRows(ReadOnlySpan<float> table, int rows, int columns)
    {
        if ((long)rows * columns != table.Length)
            throw new ArgumentException($"table has {table.Length} values, not {rows}×{columns}.");
        var scales = new float[rows];
        var values = new sbyte[table.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = table.Slice(r * columns, columns);
            float maxAbs = 0;
            foreach (var v in row) maxAbs = MathF.Max(maxAbs, MathF.Abs(v));
            float scale = ScaleFor(maxAbs, 127);
            scales[r] = scale;
            for (int c = 0; c < columns; c++)
                values[r * columns + c] = (sbyte)Math.Clamp(MathF.Round(row[c] / scale, MidpointRounding.ToEven), -127, 127);
        }
        return new QuantizedWeight(values, scales, rows, columns, 127);
    }

    private static float ScaleFor(float maxAbs, int qmax) => maxAbs > 0 ? maxAbs / qmax : 1f;
}
