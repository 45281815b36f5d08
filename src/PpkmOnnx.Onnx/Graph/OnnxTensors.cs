using System.Runtime.InteropServices;
using Onnx;
using PpkmOnnx.Core;

namespace PpkmOnnx.Onnx.Graph;

/// <summary>Reads the values of <see cref="TensorProto"/>s (raw or typed storage) as float32 or int64.</summary>
public static class OnnxTensors
{
    /// <summary>The float32 values of <paramref name="tensor"/>.</summary>
    /// <exception cref="UserInputException">The tensor is not float32 or its data is external or of the wrong length.</exception>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new UserInputException($"tensor '{tensor.Name}' is of ONNX type {tensor.DataType}, not float32.");
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new UserInputException($"tensor '{tensor.Name}' keeps its data in an external file, which is not supported.");
        var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
        CheckLength(tensor, values.Length);
        return values;
    }

    /// <summary>The integer values of <paramref name="tensor"/> (int64 or int32), widened to int64.</summary>
    public static long[] ReadInt64s(TensorProto tensor)
    {
        long[] values = tensor.DataType switch
        {
            (int)TensorProto.Types.DataType.Int64 => tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray() : tensor.Int64Data.ToArray(),
            (int)TensorProto.Types.DataType.Int32 => tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray().Select(v => (long)v).ToArray() : tensor.Int32Data.Select(v => (long)v).ToArray(),
            _ => throw new UserInputException($"tensor '{tensor.Name}' is of ONNX type {tensor.DataType}, not an integer type."),
        };
        CheckLength(tensor, values.Length);
        return values;
    }

    /// <summary>The dimensions of <paramref name="tensor"/>.</summary>
    public static long[] Shape(TensorProto tensor) => tensor.Dims.ToArray();

    private static void CheckLength(TensorProto tensor, int length)
    {
        long expected = tensor.Dims.Aggregate(1L, (a, b) => a * b);
        if (expected != length) throw new UserInputException($"tensor '{tensor.Name}' has {length} values for shape [{string.Join(", ", tensor.Dims)}].");
    }
}
