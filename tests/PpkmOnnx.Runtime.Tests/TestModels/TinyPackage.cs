using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Tests.Common;

/// <summary>
/// A tiny sentiment "model" written as a real ONNX graph with OnnxSharp's protobuf classes, plus the package files
/// around it (vocab.txt, tokenizer_config.json, config.json), and an independent C# computation of its logits:
/// <c>logits = mean over real tokens of (E[id] (+ T[0])) · W + b</c>.
/// </summary>
internal sealed class TinyPackage
{
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ppkm", "bagus", "buruk", "jelek", "senang", "sedih", "vaksin",
        "corona", "di", "rumah", "aja", "tidak", "suka", "sangat", "pemerintah", "jakarta", "kasus", "naik", "turun",
        "##nya", "##kan", "!", ",", ".", "?", "#", "@", "lagi", "kerja", "warga", "bantuan", "sosial", "pasar", "sepi", "ramai",
    ];

    public static readonly string[] LabelNames = ["negative", "neutral", "positive"];

    private TinyPackage(float[,] embedding, float[,] tokenTypes, float[,] weight, float[] bias, bool withTokenTypes, int maxLength)
    {
        Embedding = embedding;
        TokenTypes = tokenTypes;
        Weight = weight;
        Bias = bias;
        WithTokenTypeIds = withTokenTypes;
        MaxLength = maxLength;
    }

    public float[,] Embedding { get; }
    public float[,] TokenTypes { get; }
    public float[,] Weight { get; }
    public float[] Bias { get; }
    public bool WithTokenTypeIds { get; }
    public int MaxLength { get; }
    public int Hidden => Embedding.GetLength(1);

    /// <summary>Random weights from <paramref name="seed"/>, large enough that the three classes all occur.</summary>
    public static TinyPackage Create(int seed, bool withTokenTypeIds = true, int maxLength = 16, int hidden = 6)
    {
        var rng = new Random(seed);
        float Next() => (float)(rng.NextDouble() * 4 - 2);
        var e = new float[Vocabulary.Length, hidden];
        for (int v = 0; v < e.GetLength(0); v++) for (int h = 0; h < hidden; h++) e[v, h] = Next();
        var t = new float[2, hidden];
        for (int v = 0; v < 2; v++) for (int h = 0; h < hidden; h++) t[v, h] = Next() / 4;
        var w = new float[hidden, LabelNames.Length];
        for (int h = 0; h < hidden; h++) for (int c = 0; c < LabelNames.Length; c++) w[h, c] = Next();
        var b = Enumerable.Range(0, LabelNames.Length).Select(_ => Next() / 4).ToArray();
        return new TinyPackage(e, t, w, b, withTokenTypeIds, maxLength);
    }

    /// <summary>Writes the package files into <paramref name="folder"/>.</summary>
    public void WriteTo(string folder, ModelVariant variant = ModelVariant.Fp32, bool writeConfig = true, bool writeMetadata = false, string[]? labels = null, bool float16Logits = false)
    {
        Directory.CreateDirectory(folder);
        labels ??= LabelNames;
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            new JsonObject { ["do_lower_case"] = true, ["model_max_length"] = MaxLength }.ToJsonString());
        if (writeConfig)
        {
            var id2label = new JsonObject();
            var label2id = new JsonObject();
            for (int i = 0; i < labels.Length; i++) { id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = labels[i]; label2id[labels[i]] = i; }
            var config = new JsonObject
            {
                ["architectures"] = new JsonArray(WithTokenTypeIds ? "BertForSequenceClassification" : "DistilBertForSequenceClassification"),
                ["model_type"] = WithTokenTypeIds ? "bert" : "distilbert",
                ["vocab_size"] = Vocabulary.Length,
                ["max_position_embeddings"] = 512,
                ["id2label"] = id2label,
                ["label2id"] = label2id,
            };
            if (WithTokenTypeIds)
            {
                config["hidden_size"] = Hidden; config["num_hidden_layers"] = 1; config["num_attention_heads"] = 1; config["intermediate_size"] = Hidden;
            }
            else
            {
                config["dim"] = Hidden; config["n_layers"] = 1; config["n_heads"] = 1; config["hidden_dim"] = Hidden;
            }
            File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        }
        var metadata = new Dictionary<string, string>();
        if (writeMetadata)
        {
            metadata[ModelPackageLayout.MetadataLabels] = new JsonArray(labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()).ToJsonString();
            metadata[ModelPackageLayout.MetadataMaxLength] = MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
            metadata[ModelPackageLayout.MetadataModelType] = WithTokenTypeIds ? "bert" : "distilbert";
            metadata[ModelPackageLayout.MetadataVariant] = ModelPackageLayout.VariantName(variant);
        }
        File.WriteAllBytes(ModelPackageLayout.ModelPath(folder, variant), BuildModel(metadata, float16Logits).ToByteArray());
    }

    /// <summary>Token ids as the model sees them: [CLS] + first MaxLength−2 pieces + [SEP].</summary>
    public IReadOnlyList<int> TokenIds(string folder, string text)
    {
        var tokenizer = BertWordPieceTokenizer.FromFolder(folder);
        var pieces = tokenizer.EncodeToIds(text, addSpecialTokens: false).Take(MaxLength - 2);
        return [tokenizer.ClsId, .. pieces, tokenizer.SepId];
    }

    /// <summary>The logits computed in double precision, independently of ONNX Runtime.</summary>
    public double[] ExpectedLogits(string folder, string text)
    {
        var ids = TokenIds(folder, text);
        var mean = new double[Hidden];
        foreach (var id in ids)
            for (int h = 0; h < Hidden; h++) mean[h] += Embedding[id, h] + (WithTokenTypeIds ? TokenTypes[0, h] : 0);
        for (int h = 0; h < Hidden; h++) mean[h] /= ids.Count;
        var logits = new double[LabelNames.Length];
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = Bias[c];
            for (int h = 0; h < Hidden; h++) logits[c] += mean[h] * Weight[h, c];
        }
        return logits;
    }

    public double[] ExpectedProbabilities(string folder, string text)
    {
        var logits = ExpectedLogits(folder, text);
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    private ModelProto BuildModel(IReadOnlyDictionary<string, string> metadata, bool float16Logits)
    {
        var graph = new GraphProto { Name = "tiny-sentiment" };
        graph.Input.Add(Int64Input("input_ids"));
        graph.Input.Add(Int64Input("attention_mask"));
        if (WithTokenTypeIds) graph.Input.Add(Int64Input("token_type_ids"));
        graph.Output.Add(new ValueInfoProto
        {
            Name = "logits",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)(float16Logits ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float), Shape = Shape("batch", LabelNames.Length) } },
        });
        graph.Initializer.Add(FloatTensor("embedding", Embedding));
        graph.Initializer.Add(FloatTensor("token_type_embedding", TokenTypes));
        graph.Initializer.Add(FloatTensor("classifier.weight", Weight));
        var bias = new TensorProto { Name = "classifier.bias", DataType = (int)TensorProto.Types.DataType.Float };
        bias.Dims.Add(Bias.Length);
        bias.FloatData.AddRange(Bias);
        graph.Initializer.Add(bias);
        graph.Initializer.Add(Int64Tensor("axis1", 1));
        graph.Initializer.Add(Int64Tensor("axis2", 2));

        graph.Node.Add(Node("Gather", ["embedding", "input_ids"], "words"));
        var embedded = "words";
        if (WithTokenTypeIds)
        {
            graph.Node.Add(Node("Gather", ["token_type_embedding", "token_type_ids"], "types"));
            graph.Node.Add(Node("Add", ["words", "types"], "embedded"));
            embedded = "embedded";
        }
        var cast = Node("Cast", ["attention_mask"], "mask_float");
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Unsqueeze", ["mask_float", "axis2"], "mask3"));
        graph.Node.Add(Node("Mul", [embedded, "mask3"], "masked"));
        graph.Node.Add(KeepDimsOff(Node("ReduceSum", ["masked", "axis1"], "summed")));
        graph.Node.Add(KeepDimsOff(Node("ReduceSum", ["mask3", "axis1"], "count")));
        graph.Node.Add(Node("Div", ["summed", "count"], "mean"));
        graph.Node.Add(Node("MatMul", ["mean", "classifier.weight"], "projected"));
        graph.Node.Add(Node("Add", ["projected", "classifier.bias"], float16Logits ? "logits_float" : "logits"));
        if (float16Logits)
        {
            var toHalf = Node("Cast", ["logits_float"], "logits");
            toHalf.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float16 });
            graph.Node.Add(toHalf);
        }

        var model = new ModelProto { IrVersion = 8, ProducerName = "ppkm-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        foreach (var (k, v) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    private static NodeProto KeepDimsOff(NodeProto node)
    {
        node.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        return node;
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private static ValueInfoProto Int64Input(string name) => new()
    {
        Name = name,
        Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64, Shape = Shape("batch", "sequence") } },
    };

    private static TensorShapeProto Shape(params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = (int)d });
        return shape;
    }

    private static TensorProto FloatTensor(string name, float[,] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(values.GetLength(0));
        t.Dims.Add(values.GetLength(1));
        foreach (var v in values) t.FloatData.Add(v);
        return t;
    }

    private static TensorProto Int64Tensor(string name, long value)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(1);
        t.Int64Data.Add(value);
        return t;
    }
}
