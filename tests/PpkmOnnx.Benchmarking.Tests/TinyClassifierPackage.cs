using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;

namespace PpkmOnnx.Benchmarking.Tests;

/// <summary>
/// A tiny ONNX sentiment "model" built in the test: embeddings of the tokens, averaged over the attention mask,
/// times W plus b. Inputs input_ids/attention_mask (optionally an unused token_type_ids) int64 [batch, sequence];
/// output logits float [batch, 3]. Its vocabulary makes the right words pull towards each class, so its predictions
/// can be worked out by hand (see <see cref="Predict"/>).
/// </summary>
internal sealed class TinyClassifierPackage
{
    public static readonly string[] Vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "great", "bad", "awful", "ok", "fine", "the", "movie", "not", "##s"];
    public static readonly string[] Labels = ["negative", "neutral", "positive"];
    private const int Dim = 3;

    private TinyClassifierPackage(float[,] embedding, float[,] weight, float[] bias) { Embedding = embedding; Weight = weight; Bias = bias; }

    /// <summary>[vocab, 3].</summary>
    public float[,] Embedding { get; }
    /// <summary>[3, 3].</summary>
    public float[,] Weight { get; }
    /// <summary>[3].</summary>
    public float[] Bias { get; }

    /// <summary>The weights of the "fp32" model: word i of a class has a 2 in that class's column.</summary>
    public static TinyClassifierPackage Reference()
    {
        var e = new float[Vocabulary.Length, Dim];
        void Set(string word, float neg, float neu, float pos)
        {
            int i = Array.IndexOf(Vocabulary, word);
            e[i, 0] = neg; e[i, 1] = neu; e[i, 2] = pos;
        }
        Set("[CLS]", 0.05f, 0.11f, 0.02f);
        Set("[SEP]", 0.03f, 0.10f, 0.01f);
        Set("[UNK]", 0.0f, 0.3f, 0.0f);
        Set("good", 0.1f, 0.2f, 1.9f);
        Set("great", 0.0f, 0.1f, 2.6f);
        Set("bad", 2.1f, 0.2f, 0.1f);
        Set("awful", 2.8f, 0.0f, 0.0f);
        Set("ok", 0.2f, 1.3f, 0.4f);
        Set("fine", 0.1f, 1.1f, 0.9f);
        Set("the", 0.21f, 0.25f, 0.2f);
        Set("movie", 0.3f, 0.33f, 0.31f);
        Set("not", 1.2f, 0.4f, -0.9f);
        Set("##s", 0.0f, 0.05f, 0.0f);
        var w = new float[,] { { 1.0f, 0.1f, -0.1f }, { 0.05f, 0.9f, 0.0f }, { -0.1f, 0.1f, 1.05f } };
        return new TinyClassifierPackage(e, w, [0.01f, 0.02f, -0.01f]);
    }

    /// <summary>The same model with weights rounded to one decimal (a stand-in for a lossy variant).</summary>
    public TinyClassifierPackage Rounded()
    {
        var e = (float[,])Embedding.Clone();
        var w = (float[,])Weight.Clone();
        for (int i = 0; i < e.GetLength(0); i++) for (int j = 0; j < Dim; j++) e[i, j] = MathF.Round(e[i, j], 1);
        for (int i = 0; i < Dim; i++) for (int j = 0; j < Dim; j++) w[i, j] = MathF.Round(w[i, j], 1);
        return new TinyClassifierPackage(e, w, Bias.Select(b => MathF.Round(b, 1)).ToArray());
    }

    /// <summary>Parameters by hand: V·3 + 3·3 + 3.</summary>
    public static long ParameterCount => Vocabulary.Length * Dim + Dim * Dim + Dim;

    /// <summary>The hand computation of the graph: mean of the token embeddings, then ·W + b, then argmax (first on ties).</summary>
    public int Predict(IReadOnlyList<int> tokenIds)
    {
        var mean = new double[Dim];
        foreach (var id in tokenIds) for (int j = 0; j < Dim; j++) mean[j] += Embedding[id, j];
        for (int j = 0; j < Dim; j++) mean[j] /= tokenIds.Count;
        var logits = new double[Dim];
        for (int k = 0; k < Dim; k++)
        {
            logits[k] = Bias[k];
            for (int j = 0; j < Dim; j++) logits[k] += mean[j] * Weight[j, k];
        }
        int best = 0;
        for (int k = 1; k < Dim; k++) if (logits[k] > logits[best]) best = k;
        return best;
    }

    /// <summary>Writes config.json, vocab.txt and tokenizer_config.json of a package.</summary>
    public static void WriteSideFiles(string folder, string[]? id2label = null, int maxPositions = 64)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        var labels = new JsonObject();
        var names = id2label ?? Labels;
        for (int i = 0; i < names.Length; i++) labels[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = names[i];
        File.WriteAllText(Path.Combine(folder, "config.json"), new JsonObject
        {
            ["model_type"] = "bert",
            ["max_position_embeddings"] = maxPositions,
            ["id2label"] = labels,
        }.ToJsonString());
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "model_max_length": 64}""");
    }

    /// <summary>Writes the ONNX graph to <paramref name="path"/>; <paramref name="maxLength"/> null leaves out the ppkm.max_length metadata.</summary>
    public void WriteOnnx(string path, bool withTokenTypeIds = false, int? maxLength = 16)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(Int64Input("input_ids"));
        graph.Input.Add(Int64Input("attention_mask"));
        if (withTokenTypeIds) graph.Input.Add(Int64Input("token_type_ids"));
        graph.Output.Add(new ValueInfoProto
        {
            Name = "logits",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = Shape("batch", null, Dim) } },
        });
        graph.Initializer.Add(FloatTensor("embeddings", Embedding, [Embedding.GetLength(0), Dim]));
        graph.Initializer.Add(FloatTensor("classifier.weight", Weight, [Dim, Dim]));
        graph.Initializer.Add(FloatTensor("classifier.bias", Bias, [Dim]));

        graph.Node.Add(Node("Gather", ["embeddings", "input_ids"], ["tokens"]));                    // [B,S,3]
        graph.Node.Add(Node("Cast", ["attention_mask"], ["mask_f"], IntAttr("to", (int)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Unsqueeze", ["mask_f"], ["mask3"], IntsAttr("axes", 2)));               // [B,S,1]
        graph.Node.Add(Node("Mul", ["tokens", "mask3"], ["masked"]));
        graph.Node.Add(Node("ReduceSum", ["masked"], ["summed"], IntsAttr("axes", 1), IntAttr("keepdims", 0)));  // [B,3]
        graph.Node.Add(Node("ReduceSum", ["mask3"], ["count"], IntsAttr("axes", 1), IntAttr("keepdims", 0)));    // [B,1]
        graph.Node.Add(Node("Div", ["summed", "count"], ["mean"]));
        graph.Node.Add(Node("MatMul", ["mean", "classifier.weight"], ["projected"]));
        graph.Node.Add(Node("Add", ["projected", "classifier.bias"], ["logits"]));

        var model = new ModelProto { IrVersion = 7, ProducerName = "ppkm-test", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 11 });
        if (maxLength is { } length)
            model.MetadataProps.Add(new StringStringEntryProto { Key = "ppkm.max_length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "ppkm.model_type", Value = "bert" });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    private static ValueInfoProto Int64Input(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64, Shape = Shape("batch", "sequence", null) } },
    };

    private static TensorShapeProto Shape(string first, string? secondParam, int? secondValue)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = first });
        shape.Dim.Add(secondParam is not null ? new TensorShapeProto.Types.Dimension { DimParam = secondParam } : new TensorShapeProto.Types.Dimension { DimValue = secondValue!.Value });
        return shape;
    }

    private static TensorProto FloatTensor(string name, Array values, long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values.Cast<float>());
        return t;
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = op + "_" + outputs[0] };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    private static AttributeProto IntAttr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto IntsAttr(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
