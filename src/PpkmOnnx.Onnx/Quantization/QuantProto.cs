using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using PpkmOnnx.Core;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Small ONNX protobuf helpers the quantization passes share: reading float initializers, making typed
/// tensors, attributes and nodes. Kept inside Quantization/ so this folder stands alone.
/// </summary>
internal static class QuantProto
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int UInt8 = (int)TensorProto.Types.DataType.Uint8;
    public const int Int8 = (int)TensorProto.Types.DataType.Int8;
    public const int Int32 = (int)TensorProto.Types.DataType.Int32;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Float16 = (int)TensorProto.Types.DataType.Float16;
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>A node's name for reports and exclusion patterns: its own, or its op type and first output when unnamed.</summary>
    public static string NodeName(NodeProto node) => string.IsNullOrEmpty(node.Name) ? node.OpType + ":" + node.Output[0] : node.Name;

    /// <summary>Parses an ONNX file (no external data).</summary>
    public static ModelProto Load(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: ONNX model not found.");
        try
        {
            using var stream = File.OpenRead(path);
            var model = ModelProto.Parser.ParseFrom(stream);
            if (model.Graph is null) throw new UserInputException($"{path}: not an ONNX model (no graph).");
            return model;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new UserInputException($"{path}: not a readable ONNX model ({e.Message}).", e);
        }
    }

    /// <summary>Serialises a model to bytes (deterministic: protobuf writes fields in number order).</summary>
    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>Element count of a tensor from its dims.</summary>
    public static long ElementCount(TensorProto t)
    {
        long n = 1;
        foreach (var d in t.Dims) n *= d;
        return n;
    }

    /// <summary>The values of a float initializer (raw_data or float_data).</summary>
    public static float[] ReadFloats(TensorProto t)
    {
        if (t.DataType != Float) throw new UserInputException($"initializer '{t.Name}' is not float32 (data type {t.DataType}).");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new UserInputException($"initializer '{t.Name}' uses external data, which quantization does not read.");
        if (!t.RawData.IsEmpty)
            return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        return t.FloatData.ToArray();
    }

    /// <summary>The values of an int64 initializer.</summary>
    public static long[] ReadInt64s(TensorProto t)
    {
        if (!t.RawData.IsEmpty) return MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray();
        return t.Int64Data.ToArray();
    }

    /// <summary>A tensor with raw little-endian data.</summary>
    public static TensorProto Raw<T>(string name, int dataType, IEnumerable<long> dims, ReadOnlySpan<T> values) where T : unmanaged
    {
        var t = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static TensorProto FloatTensor(string name, IEnumerable<long> dims, ReadOnlySpan<float> values) => Raw(name, Float, dims, values);

    public static TensorProto FloatScalar(string name, float value) => Raw(name, Float, [], new[] { value }.AsSpan());

    public static TensorProto Int8Tensor(string name, IEnumerable<long> dims, ReadOnlySpan<sbyte> values) => Raw(name, Int8, dims, values);

    public static TensorProto UInt8Scalar(string name, byte value) => Raw(name, UInt8, [], new[] { value }.AsSpan());

    public static TensorProto Int8Scalar(string name, sbyte value) => Raw(name, Int8, [], new[] { value }.AsSpan());

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs, string domain = "", params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = opType, Name = name, Domain = domain };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    public static long? IntAttributeOf(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : null;

    /// <summary>Makes sure the model imports <paramref name="domain"/> at least at <paramref name="version"/>.</summary>
    public static void EnsureOpset(ModelProto model, string domain, long version)
    {
        var existing = model.OpsetImport.FirstOrDefault(o => (o.Domain ?? "") == domain || (domain == "" && o.Domain == "ai.onnx"));
        if (existing is null) model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        else if (existing.Version < version) existing.Version = version;
    }

    /// <summary>The default-domain opset the model imports.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx")?.Version ?? 0;

    /// <summary>A float32 graph output/value declaration with unknown shape.</summary>
    public static ValueInfoProto FloatValueInfo(string name) =>
        new() { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float } } };

    /// <summary>Sets or replaces a metadata_props entry.</summary>
    public static void SetMetadata(ModelProto model, string key, string value)
    {
        var entry = model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (entry is null) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        else entry.Value = value;
    }

    public static string? Metadata(ModelProto model, string key) => model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;
}
