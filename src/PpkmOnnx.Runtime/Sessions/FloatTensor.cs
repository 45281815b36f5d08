using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// Reads an ONNX Runtime output tensor as float32, whether the graph produced float32 or float16 (fp16 variants): the one
/// decoder of model outputs for serving, bench, the exporter's check and the quantizer.
/// </summary>
public static class FloatTensor
{
    /// <summary>The values of <paramref name="output"/>, row-major, and its shape.</summary>
    /// <param name="output">A tensor returned by a session run.</param>
    /// <param name="source">What it is (file and output name), for the message.</param>
    /// <exception cref="UserInputException">The tensor holds neither float nor float16.</exception>
    public static (float[] Values, long[] Shape) Read(OrtValue output, string source)
    {
        ArgumentNullException.ThrowIfNull(output);
        var info = output.GetTensorTypeAndShape();
        float[] values;
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                values = output.GetTensorDataAsSpan<float>().ToArray();
                break;
            case TensorElementType.Float16:
                var half = output.GetTensorDataAsSpan<Float16>();
                values = new float[half.Length];
                for (int i = 0; i < values.Length; i++) values[i] = half[i].ToFloat();
                break;
            default:
                throw new UserInputException($"{source} is {info.ElementDataType}, expected float or float16.");
        }
        return (values, info.Shape);
    }
}
