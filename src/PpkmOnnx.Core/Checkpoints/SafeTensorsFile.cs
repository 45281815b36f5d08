using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Reads and writes the Hugging Face <c>safetensors</c> format: an 8-byte little-endian header length,
/// a JSON header (<c>dtype</c>, <c>shape</c>, <c>data_offsets</c> per tensor, optional <c>__metadata__</c>),
/// then the raw little-endian tensor bytes. Float16 and bfloat16 tensors are widened to float32 on read.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Reads every tensor of <paramref name="path"/>, widened to float32, by name (ordinal order kept).</summary>
    /// <exception cref="UserInputException">The file is missing, truncated or not safetensors.</exception>
    public static Dictionary<string, TensorData> Read(string path) => Read(path, out _);

    /// <summary>Reads every tensor and the <c>__metadata__</c> map.</summary>
    public static Dictionary<string, TensorData> Read(string path, out Dictionary<string, string> metadata)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found.");
        var bytes = File.ReadAllBytes(path);
        return Parse(bytes, path, out metadata);
    }

    /// <summary>Parses safetensors bytes; <paramref name="source"/> names them in errors.</summary>
    public static Dictionary<string, TensorData> Parse(byte[] bytes, string source, out Dictionary<string, string> metadata)
    {
        if (bytes.Length < 8) throw new UserInputException($"{source}: too short to be a safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength == 0 || headerLength > (ulong)(bytes.Length - 8) || headerLength > 100_000_000)
            throw new UserInputException($"{source}: not a safetensors file (header length {headerLength} does not fit a {bytes.Length}-byte file).");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength)) as JsonObject
                ?? throw new UserInputException($"{source}: safetensors header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{source}: corrupt safetensors header ({e.Message}).");
        }
        long dataStart = 8 + (long)headerLength;
        metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        var extents = new List<(string Name, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                if (node is JsonObject meta)
                    foreach (var (k, v) in meta) metadata[k] = v?.GetValue<string>() ?? "";
                continue;
            }
            if (node is not JsonObject info) throw new UserInputException($"{source}: tensor '{name}' has no description.");
            var dtype = info["dtype"]?.GetValue<string>() ?? throw new UserInputException($"{source}: tensor '{name}' has no dtype.");
            var shape = (info["shape"] as JsonArray)?.Select(d => d!.GetValue<long>()).ToArray() ?? throw new UserInputException($"{source}: tensor '{name}' has no shape.");
            var offsets = (info["data_offsets"] as JsonArray)?.Select(d => d!.GetValue<long>()).ToArray();
            if (offsets is not { Length: 2 }) throw new UserInputException($"{source}: tensor '{name}' has no data_offsets.");
            long begin = dataStart + offsets[0], end = dataStart + offsets[1];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int width = dtype switch { "F32" => 4, "F16" or "BF16" => 2, "F64" or "I64" => 8, "I32" => 4, _ => throw new UserInputException($"{source}: tensor '{name}' has unsupported dtype {dtype}.") };
            if (begin < dataStart || end > bytes.Length || end - begin != count * width)
                throw new UserInputException($"{source}: tensor '{name}' ({dtype} {string.Join("x", shape)}) has offsets outside the file or of the wrong size (truncated file?).");
            extents.Add((name, offsets[0], offsets[1]));
            var span = bytes.AsSpan((int)begin, (int)(end - begin));
            var data = new float[count];
            switch (dtype)
            {
                case "F32": MemoryMarshal.Cast<byte, float>(span).CopyTo(data); break;
                case "F16": { var h = MemoryMarshal.Cast<byte, Half>(span); for (int i = 0; i < data.Length; i++) data[i] = (float)h[i]; break; }
                case "BF16": { var u = MemoryMarshal.Cast<byte, ushort>(span); for (int i = 0; i < data.Length; i++) data[i] = BitConverter.Int32BitsToSingle(u[i] << 16); break; }
                case "F64": { var d = MemoryMarshal.Cast<byte, double>(span); for (int i = 0; i < data.Length; i++) data[i] = (float)d[i]; break; }
                case "I64": { var l = MemoryMarshal.Cast<byte, long>(span); for (int i = 0; i < data.Length; i++) data[i] = l[i]; break; }
                case "I32": { var n = MemoryMarshal.Cast<byte, int>(span); for (int i = 0; i < data.Length; i++) data[i] = n[i]; break; }
            }
            result[name] = new TensorData(shape, data);
        }
        RequirePacked(extents, bytes.Length - dataStart, source);
        return result;
    }

    // The format packs tensors end to end from offset 0 to the end of the file, as Hugging Face's reader requires: tensors
    // sharing bytes (or bytes no tensor owns) mean a damaged or forged header, whose weights would load as garbage.
    private static void RequirePacked(List<(string Name, long Begin, long End)> extents, long dataLength, string source)
    {
        long expected = 0;
        foreach (var (name, begin, end) in extents.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (begin != expected)
                throw new UserInputException($"{source}: tensor '{name}' starts at byte {begin} of the data where {expected} was expected: "
                    + "its bytes overlap another tensor's or leave a gap (safetensors packs tensors end to end).");
            expected = end;
        }
        if (expected != dataLength)
            throw new UserInputException($"{source}: the tensors end at byte {expected} of the data but the file holds {dataLength} (safetensors packs tensors end to end).");
    }

    /// <summary>Writes <paramref name="tensors"/> as float32 safetensors to <paramref name="path"/>, atomically, names sorted.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        var meta = new JsonObject { ["format"] = "pt" };
        if (metadata is not null) foreach (var (k, v) in metadata) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            var t = tensors[name];
            if (t.ElementCount != t.Data.Length)
                throw new ArgumentException($"Tensor '{name}' has shape {t.ShapeText} but {t.Data.Length} values.");
            long size = (long)t.Data.Length * 4;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format asks that the data start 8-byte aligned; pad the header with spaces.
        int pad = (8 - headerBytes.Length % 8) % 8;
        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(headerBytes.Length + pad));
            stream.Write(len);
            stream.Write(headerBytes);
            for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
            foreach (var name in names) stream.Write(MemoryMarshal.AsBytes(tensors[name].Data.AsSpan()));
        });
    }
}
