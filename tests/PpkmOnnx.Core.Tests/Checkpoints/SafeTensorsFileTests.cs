using System.Buffers.Binary;
using System.Text;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Checkpoints;

public class SafeTensorsFileTests
{
    [Fact]
    public void RoundTripsNamesShapesValuesAndMetadata()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("model.safetensors");
        var tensors = new Dictionary<string, TensorData>
        {
            ["bert.embeddings.word_embeddings.weight"] = new(new long[] { 3, 2 }, new[] { 1f, -2f, 3.5f, 0f, float.Epsilon, -0f }),
            ["classifier.bias"] = new(new long[] { 3 }, new[] { 0.25f, 0.5f, -0.75f }),
        };
        SafeTensorsFile.Write(path, tensors, new Dictionary<string, string> { ["source"] = "test" });
        var back = SafeTensorsFile.Read(path, out var meta);
        Assert.Equal("test", meta["source"]);
        Assert.Equal("pt", meta["format"]);
        Assert.Equal(tensors.Keys.Order(), back.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.Shape, back[name].Shape);
            Assert.Equal(t.Data, back[name].Data);
        }
        // The data section starts 8-byte aligned, as the format asks.
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(0UL, (8 + BinaryPrimitives.ReadUInt64LittleEndian(bytes)) % 8);
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp-*"));
    }

    [Fact]
    public void ReadsFloat16AndBFloat16ByWidening()
    {
        var header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        var hb = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + hb.Length + 6];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)hb.Length);
        hb.CopyTo(bytes, 8);
        BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(8 + hb.Length), (Half)1.5f);
        BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(8 + hb.Length + 2), (Half)(-0.25f));
        // bfloat16 of 3.0f is the top half of its float bits: 0x4040
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8 + hb.Length + 4), 0x4040);
        var t = SafeTensorsFile.Parse(bytes, "mem", out _);
        Assert.Equal(new[] { 1.5f, -0.25f }, t["h"].Data);
        Assert.Equal(new[] { 3f }, t["b"].Data);
    }

    [Fact]
    public void TruncatedOrGarbageFilesGiveAClearError()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("model.safetensors");
        SafeTensorsFile.Write(path, new Dictionary<string, TensorData> { ["w"] = new(new long[] { 4 }, new float[4]) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        var e = Assert.Throws<UserInputException>(() => SafeTensorsFile.Read(path));
        Assert.Contains("'w'", e.Message);
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("this is not a tensor file at all"));
        Assert.Throws<UserInputException>(() => SafeTensorsFile.Read(path));
        Assert.Throws<UserInputException>(() => SafeTensorsFile.Read(tmp.Combine("missing.safetensors")));
    }

    // Two F32 tensors of two values each (8 bytes) over a data section of dataLength bytes, at the offsets given.
    private static byte[] TwoTensors(int[] a, int[] b, int dataLength)
    {
        var header = $"{{\"a\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[{a[0]},{a[1]}]}},\"b\":{{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[{b[0]},{b[1]}]}}}}";
        var hb = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + hb.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)hb.Length);
        hb.CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void Tensors_must_be_packed_end_to_end_as_Hugging_Face_requires()
    {
        // Packed, in either order in the header: read.
        Assert.Equal(2, SafeTensorsFile.Parse(TwoTensors([0, 8], [8, 16], 16), "mem", out _).Count);
        Assert.Equal(2, SafeTensorsFile.Parse(TwoTensors([8, 16], [0, 8], 16), "mem", out _).Count);
        // Both tensors on the same bytes (a forged header loads garbage weights): refused.
        Assert.Equal("mem: tensor 'b' starts at byte 0 of the data where 8 was expected: its bytes overlap another tensor's or leave a gap (safetensors packs tensors end to end).",
            Assert.Throws<UserInputException>(() => SafeTensorsFile.Parse(TwoTensors([0, 8], [0, 8], 16), "mem", out _)).Message);
        // A gap between them, or bytes after the last: refused.
        Assert.Contains("'b' starts at byte 12", Assert.Throws<UserInputException>(() => SafeTensorsFile.Parse(TwoTensors([0, 8], [12, 20], 20), "mem", out _)).Message);
        Assert.Equal("mem: the tensors end at byte 16 of the data but the file holds 20 (safetensors packs tensors end to end).",
            Assert.Throws<UserInputException>(() => SafeTensorsFile.Parse(TwoTensors([0, 8], [8, 16], 20), "mem", out _)).Message);
    }
}
