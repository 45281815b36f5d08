namespace PpkmOnnx.Onnx.Export;

/// <summary>A Linear layer in torch layout: <see cref="Weight"/> is [<see cref="OutFeatures"/>, <see cref="InFeatures"/>] row-major.</summary>
/// <param name="Weight">Weights, [out, in] row-major.</param>
/// <param name="Bias">Bias, [out].</param>
/// <param name="OutFeatures">Output size.</param>
/// <param name="InFeatures">Input size.</param>
public sealed record LinearWeights(float[] Weight, float[] Bias, int OutFeatures, int InFeatures)
{
    /// <summary>The weight transposed to [in, out] row-major, the right-hand operand of an ONNX MatMul.</summary>
    public float[] TransposedWeight()
    {
        var t = new float[Weight.Length];
        for (int o = 0; o < OutFeatures; o++)
            for (int i = 0; i < InFeatures; i++)
                t[i * OutFeatures + o] = Weight[o * InFeatures + i];
        return t;
    }
}
