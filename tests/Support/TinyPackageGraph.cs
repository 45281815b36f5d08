using Onnx;

namespace PpkmOnnx.Tests.Support;

/// <summary>
/// The ONNX graph of a <see cref="TinyPackage"/> (opset 11): Gather the word embeddings (plus the token-type embeddings
/// when the graph takes token_type_ids), average them over the attention mask, then MatMul W and Add b to <c>logits</c>
/// [batch, 3] (cast to float16 on request). Initializers: the embeddings, (token types,) W and b only, so a bench's
/// parameter count is the hand count.
/// </summary>
internal static class TinyPackageGraph
{
    /// <summary>The model of <paramref name="package"/> with <paramref name="metadata"/> as its <c>metadata_props</c>.</summary>
    public static ModelProto Build(TinyPackage package, IReadOnlyDictionary<string, string> metadata, bool float16Logits)
    {
        int classes = package.Bias.Length;
        var graph = new GraphProto { Name = "tiny-sentiment" };
        graph.Input.Add(Int64Input("input_ids"));
        graph.Input.Add(Int64Input("attention_mask"));
        if (package.WithTokenTypeIds) graph.Input.Add(Int64Input("token_type_ids"));
        var logitsType = float16Logits ? TensorProto.Types.DataType.Float16 : TensorProto.Types.DataType.Float;
        graph.Output.Add(new ValueInfoProto
        {
            Name = "logits",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)logitsType, Shape = Shape("batch", classes) } },
        });
        graph.Initializer.Add(FloatTensor("embedding", package.Embedding));
        if (package.WithTokenTypeIds) graph.Initializer.Add(FloatTensor("token_type_embedding", package.TokenTypes));
        graph.Initializer.Add(FloatTensor("classifier.weight", package.Weight));
        var bias = new TensorProto { Name = "classifier.bias", DataType = (int)TensorProto.Types.DataType.Float };
        bias.Dims.Add(classes);
        bias.FloatData.AddRange(package.Bias);
        graph.Initializer.Add(bias);

        graph.Node.Add(Node("Gather", ["embedding", "input_ids"], "words"));                                  // [B,S,H]
        var embedded = "words";
        if (package.WithTokenTypeIds)
        {
            graph.Node.Add(Node("Gather", ["token_type_embedding", "token_type_ids"], "types"));
            graph.Node.Add(Node("Add", ["words", "types"], "embedded"));
            embedded = "embedded";
        }
        graph.Node.Add(Node("Cast", ["attention_mask"], "mask_float", Int("to", (long)TensorProto.Types.DataType.Float)));
        graph.Node.Add(Node("Unsqueeze", ["mask_float"], "mask3", Ints("axes", 2)));                            // [B,S,1]
        graph.Node.Add(Node("Mul", [embedded, "mask3"], "masked"));
        graph.Node.Add(Node("ReduceSum", ["masked"], "summed", Ints("axes", 1), Int("keepdims", 0)));         // [B,H]
        graph.Node.Add(Node("ReduceSum", ["mask3"], "count", Ints("axes", 1), Int("keepdims", 0)));           // [B,1]
        graph.Node.Add(Node("Div", ["summed", "count"], "mean"));
        graph.Node.Add(Node("MatMul", ["mean", "classifier.weight"], "projected"));
        graph.Node.Add(Node("Add", ["projected", "classifier.bias"], float16Logits ? "logits_float" : "logits"));
        if (float16Logits) graph.Node.Add(Node("Cast", ["logits_float"], "logits", Int("to", (long)TensorProto.Types.DataType.Float16)));

        var model = new ModelProto { IrVersion = 7, ProducerName = "ppkm-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 11 });
        foreach (var (k, v) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    private static NodeProto Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
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
}
