using Google.Protobuf;
using Onnx;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>
/// A hand-built one-layer "fused" classifier: Gather(embeddings) → com.microsoft Attention (packed QKV [32, 96],
/// num_heads 4, raw 2-D mask) → [CLS] → MatMul+Add head → logits, packaged with a 64-token vocabulary.
/// </summary>
internal static class TinyFusedBert
{
    public const int Hidden = 32, Vocab = 64, Labels = 3;
    public static readonly string[] Words = Enumerable.Range(0, Vocab - 5).Select(i => "w" + i).ToArray();

    /// <summary>Writes the package. With <paramref name="nearTieHead"/> classes 0 and 1 differ by a tiny weight difference,
    /// so quantizing the head (not the attention) flips their order on many inputs.</summary>
    public static string Write(string folder, bool nearTieHead = false, int seed = 1)
    {
        var rng = new Random(seed);
        float[] Normal(int n, double sd) => Enumerable.Range(0, n)
            .Select(_ => (float)(sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();
        var emb = Normal(Vocab * Hidden, 1.0);
        var w = Normal(Hidden * 3 * Hidden, 0.2);
        var b = Normal(3 * Hidden, 0.1);
        var head = Normal(Hidden * Labels, 0.3);
        if (nearTieHead)
        {
            var tiny = Normal(Hidden, 0.002);
            for (int r = 0; r < Hidden; r++) head[r * Labels + 1] = head[r * Labels] + tiny[r];
            for (int r = 0; r < Hidden; r++) head[r * Labels + 2] = -Math.Abs(head[r * Labels + 2]) * 0.1f - 0.5f;
        }
        var g = new GraphProto { Name = "tiny" };
        g.Initializer.Add(Tensor("embeddings.word_embeddings.weight", [Vocab, Hidden], emb));
        g.Initializer.Add(Tensor("encoder.layer.0.attention.qkv.weight", [Hidden, 3 * Hidden], w));
        g.Initializer.Add(Tensor("encoder.layer.0.attention.qkv.bias", [3 * Hidden], b));
        g.Initializer.Add(Tensor("classifier.weight", [Hidden, Labels], head));
        g.Initializer.Add(Tensor("classifier.bias", [Labels], new float[Labels]));
        var cls = new TensorProto { Name = "cls_index", DataType = 7, RawData = ByteString.CopyFrom(BitConverter.GetBytes(0L)) };
        g.Initializer.Add(cls);
        g.Node.Add(Node("Gather", "/embeddings/Gather", ["embeddings.word_embeddings.weight", "input_ids"], ["x"], "", Int("axis", 0)));
        g.Node.Add(Node("Cast", "/mask/Cast", ["attention_mask"], ["mask32"], "", Int("to", 6)));
        g.Node.Add(Node("Attention", "/encoder/layer.0/attention/Attention",
            ["x", "encoder.layer.0.attention.qkv.weight", "encoder.layer.0.attention.qkv.bias", "mask32"], ["attn"], "com.microsoft", Int("num_heads", 4)));
        g.Node.Add(Node("Gather", "/cls/Gather", ["attn", "cls_index"], ["cls"], "", Int("axis", 1)));
        g.Node.Add(Node("MatMul", "/classifier/MatMul", ["cls", "classifier.weight"], ["head_mm"], ""));
        g.Node.Add(Node("Add", "/classifier/Add", ["head_mm", "classifier.bias"], ["logits"], ""));
        g.Input.Add(Value("input_ids", 7, "batch", "sequence"));
        g.Input.Add(Value("attention_mask", 7, "batch", "sequence"));
        g.Output.Add(Value("logits", 1, "batch", Labels.ToString()));
        var model = new ModelProto { IrVersion = 8, Graph = g, ProducerName = "tiny-test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "ppkm.graph", Value = "fused" });
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Words)) + "\n");
        File.WriteAllText(Path.Combine(folder, "config.json"), """{"model_type":"bert","id2label":{"0":"negative","1":"neutral","2":"positive"}}""");
        return folder;
    }

    public static List<string> Texts(int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 3 + rng.Next(12)).Select(_ => Words[rng.Next(Words.Length)]))).ToList();
    }

    private static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var t = new TensorProto { Name = name, DataType = 1, RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
        t.Dims.AddRange(dims);
        return t;
    }

    private static AttributeProto Int(string name, long v) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = v };

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs, string domain, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name, Domain = domain };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    private static ValueInfoProto Value(string name, int type, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(long.TryParse(d, out var v) ? new TensorShapeProto.Types.Dimension { DimValue = v } : new TensorShapeProto.Types.Dimension { DimParam = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = shape } } };
    }
}
