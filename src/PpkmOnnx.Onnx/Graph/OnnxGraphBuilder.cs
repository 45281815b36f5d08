using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace PpkmOnnx.Onnx.Graph;

/// <summary>
/// Builds an ONNX <see cref="ModelProto"/> node by node: inputs and outputs with symbolic dimensions, float/int64
/// initializers, nodes with attributes in any domain, opset imports and metadata_props. Names are made unique on request,
/// so writers can compose subgraphs without tracking counters.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>The default-domain opset written by <see cref="Create"/>.</summary>
    public const int DefaultOpset = 17;
    /// <summary>The IR version written: 8 (ONNX 1.10+), which every ONNX Runtime since 1.10 reads.</summary>
    public const long IrVersion = 8;
    /// <summary>The domain of ONNX Runtime's contrib operators.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    private readonly ModelProto _model;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    private OnnxGraphBuilder(ModelProto model) => _model = model;

    /// <summary>The graph being built (for inspection; prefer the Add methods to change it).</summary>
    public GraphProto Graph => _model.Graph;

    /// <summary>Starts a model named <paramref name="graphName"/> importing the default opset and, when asked, com.microsoft version 1.</summary>
    public static OnnxGraphBuilder Create(string graphName, int opset = DefaultOpset, bool importMicrosoftDomain = false, string producerVersion = "0.1.0")
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ppkm",
            ProducerVersion = producerVersion,
            Graph = new GraphProto { Name = graphName },
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (importMicrosoftDomain) model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return new OnnxGraphBuilder(model);
    }

    /// <summary>
    /// Continues building an existing model (e.g. to quantize it): every input, initializer and node output already in
    /// the graph is reserved, so new names never collide with them.
    /// </summary>
    public static OnnxGraphBuilder FromModel(ModelProto model)
    {
        var builder = new OnnxGraphBuilder(model);
        model.Graph ??= new GraphProto { Name = "graph" };
        foreach (var i in model.Graph.Input) builder._names.Add(i.Name);
        foreach (var t in model.Graph.Initializer) builder._names.Add(t.Name);
        foreach (var n in model.Graph.Node)
        {
            builder._names.Add(n.Name);
            foreach (var o in n.Output) if (o.Length > 0) builder._names.Add(o);
        }
        return builder;
    }

    /// <summary>A name starting with <paramref name="prefix"/> not used yet in this graph (reserved on return).</summary>
    public string UniqueName(string prefix)
    {
        if (_names.Add(prefix)) return prefix;
        _counters.TryGetValue(prefix, out var n);
        string candidate;
        do candidate = $"{prefix}_{++n}"; while (!_names.Add(candidate));
        _counters[prefix] = n;
        return candidate;
    }

    /// <summary>Declares a graph input; each dimension is an <see cref="int"/>/<see cref="long"/> size or a <see cref="string"/> symbol such as <c>batch</c>.</summary>
    public string AddInput(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        Reserve(name);
        _model.Graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares a graph output (the value must be produced by a node).</summary>
    public void AddOutput(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _model.Graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a float32 initializer of shape <paramref name="dims"/>; returns its (unique) name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        AddRawInitializer(name, MemoryMarshal.AsBytes(data), data.Length, TensorProto.Types.DataType.Float, dims);

    /// <summary>Adds an int64 initializer of shape <paramref name="dims"/>; returns its (unique) name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<long> data, params long[] dims) =>
        AddRawInitializer(name, MemoryMarshal.AsBytes(data), data.Length, TensorProto.Types.DataType.Int64, dims);

    private string AddRawInitializer(string name, ReadOnlySpan<byte> raw, int count, TensorProto.Types.DataType type, long[] dims)
    {
        CheckCount(name, count, dims);
        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        _model.Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a prebuilt initializer (e.g. int8 or float16 data); its name must be free.</summary>
    public string AddInitializer(TensorProto tensor)
    {
        Reserve(tensor.Name);
        _model.Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float scalar initializer (shape []).</summary>
    public string AddScalar(string name, float value) => AddInitializer(name, new[] { value });

    /// <summary>An int64 vector initializer (shape [n]).</summary>
    public string AddInt64s(string name, params long[] values) => AddInitializer(name, values, values.Length);

    /// <summary>
    /// Adds a node with one output named after <paramref name="outputPrefix"/> (made unique); returns that output name.
    /// An empty string in <paramref name="inputs"/> marks an omitted optional input.
    /// </summary>
    public string AddNode(string opType, IReadOnlyList<string> inputs, string outputPrefix, string domain = "", params AttributeProto[] attributes) =>
        AddNode(opType, inputs, new[] { UniqueName(outputPrefix) }, domain, attributes)[0];

    /// <summary>Adds a node with the exact output names given (empty strings are omitted optional outputs); returns them.</summary>
    public IReadOnlyList<string> AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = UniqueName(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var o in outputs) if (o.Length > 0) _names.Add(o);
        node.Attribute.AddRange(attributes);
        _model.Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Sets a metadata_props entry (replacing an earlier value of the key).</summary>
    public void SetMetadata(string key, string value)
    {
        var existing = _model.MetadataProps.FirstOrDefault(p => p.Key == key);
        if (existing is not null) existing.Value = value;
        else _model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>The finished model.</summary>
    public ModelProto Build() => _model;

    private void Reserve(string name)
    {
        if (!_names.Add(name)) throw new ArgumentException($"ONNX graph name '{name}' is already used.", nameof(name));
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count) throw new ArgumentException($"initializer '{name}': shape [{string.Join(", ", dims)}] needs {expected} values but {count} were given.");
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            shape.Dim.Add(d switch
            {
                string s => new TensorShapeProto.Types.Dimension { DimParam = s },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                _ => throw new ArgumentException($"dimension {d} of '{name}' must be an int, long or symbol string."),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
