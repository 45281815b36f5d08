using Google.Protobuf;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>Reads facts from an ONNX file's protobuf without running it.</summary>
public static class OnnxGraphInspector
{
    /// <summary>
    /// Total elements of the main graph's initializers (each name counted once). For an exported classifier
    /// this is its parameter count; quantized graphs add their scales and zero points.
    /// </summary>
    /// <exception cref="UserInputException">No such file.</exception>
    /// <exception cref="UserInputException">Not an ONNX model, or an initializer with a negative dimension.</exception>
    public static long CountParameters(string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new UserInputException($"{onnxPath}: ONNX model not found.");
        Onnx.ModelProto model;
        try
        {
            using var stream = File.OpenRead(onnxPath);
            model = Onnx.ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserInputException($"{onnxPath}: not an ONNX model ({e.Message}).", e);
        }
        if (model.Graph is null) throw new UserInputException($"{onnxPath}: the model has no graph.");
        long total = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var init in model.Graph.Initializer)
        {
            if (!seen.Add(init.Name)) continue;
            long elements = 1;
            foreach (var d in init.Dims)
            {
                if (d < 0) throw new UserInputException($"{onnxPath}: initializer '{init.Name}' has negative dimension {d}.");
                elements = checked(elements * d);
            }
            total = checked(total + elements);
        }
        return total;
    }
}
