using System.Text.RegularExpressions;
using Onnx;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// float32 → float16 conversion: float initializers, Constant tensors, Cast-to-float and ConstantOfShape values
/// become float16, so every op downstream computes in float16; normalisation and Softmax nodes stay float32 behind
/// Cast nodes, and float graph inputs/outputs keep float32 at the API. Values beyond float16's range are clamped
/// to ±65504 (an attention-mask constant of −3.4e38 must not turn into −inf, or 0 × −inf gives NaN).
/// </summary>
internal static class Float16ConversionPass
{
    /// <summary>Ops kept in float32: their statistics overflow or lose precision in float16.</summary>
    public static readonly IReadOnlySet<string> KeptFloat32 = new HashSet<string>
    {
        "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization", "Softmax",
    };

    public sealed record Outcome(List<string> Converted, List<string> Excluded);

    public static Outcome Apply(ModelProto model, IReadOnlyList<Regex> exclude)
    {
        var graph = model.Graph;
        var converted = new List<string>();
        var excluded = new List<string>();
        var blocked = new HashSet<NodeProto>(DecomposedLayerNorms(graph));
        foreach (var n in graph.Node)
        {
            var name = QuantProto.NodeName(n);
            if (KeptFloat32.Contains(n.OpType) || blocked.Contains(n) || exclude.Any(p => p.IsMatch(name))) { blocked.Add(n); excluded.Add(name); }
        }

        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var consumers = QuantCandidate.Consumers(graph);
        var floatInputs = graph.Input.Where(i => i.Type?.TensorType?.ElemType == QuantProto.Float && !initializers.ContainsKey(i.Name))
            .Select(i => i.Name).ToHashSet();
        var floatOutputs = graph.Output.Where(o => o.Type?.TensorType?.ElemType == QuantProto.Float).Select(o => o.Name).ToHashSet();

        // Float initializers read by a float16 node get a float16 twin; ones read only by kept nodes stay as they are.
        var halfInitializer = new Dictionary<string, string>();
        foreach (var t in graph.Initializer.ToList())
        {
            if (t.DataType != QuantProto.Float || !consumers.TryGetValue(t.Name, out var users)) continue;
            if (users.All(blocked.Contains)) continue;
            bool onlyHalfUsers = users.All(u => !blocked.Contains(u));
            var half = ToHalf(t, onlyHalfUsers ? t.Name : t.Name + "_fp16");
            if (onlyHalfUsers) graph.Initializer[graph.Initializer.IndexOf(t)] = half;
            else { graph.Initializer.Add(half); halfInitializer[t.Name] = half.Name; }
        }

        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        // Float graph inputs: cast to float16 once, right away.
        var inputRename = new Dictionary<string, string>();
        foreach (var i in floatInputs)
        {
            inputRename[i] = i + "_fp16";
            nodes.Add(QuantProto.Node("Cast", i + "_to_fp16", [i], [i + "_fp16"], "", QuantProto.IntAttribute("to", QuantProto.Float16)));
        }
        // Float graph outputs: the producing node writes <name>_fp16 and a Cast restores float32 under the public name.
        var outputRename = floatOutputs.ToDictionary(o => o, o => o + "_fp16");
        var keptOutput = new Dictionary<string, string>();
        var backToFloat = new Dictionary<string, string>();
        // Integer-valued tensors a kept node may read (Constant axes, shapes): never cast those.
        var nonFloat = graph.Node.Where(n => n.OpType is "Shape" or "Size" || (n.OpType == "Constant" && n.Attribute.Any(a => a.T is { } t && t.DataType != QuantProto.Float))
                || (n.OpType == "Cast" && n.Attribute.Any(a => a.Name == "to" && a.I != QuantProto.Float)))
            .SelectMany(n => n.Output).ToHashSet();

        foreach (var n in graph.Node)
        {
            var name = QuantProto.NodeName(n);
            if (blocked.Contains(n))
            {
                // Inputs: float32 initializers, graph inputs and other kept nodes' results are used as they are;
                // float16 activations come back to float32 through a Cast.
                for (int k = 0; k < n.Input.Count; k++)
                {
                    var input = n.Input[k];
                    if (string.IsNullOrEmpty(input) || initializers.ContainsKey(input) || floatInputs.Contains(input) || nonFloat.Contains(input)) continue;
                    if (keptOutput.TryGetValue(input, out var raw32)) { n.Input[k] = raw32; continue; }
                    if (!backToFloat.TryGetValue(input, out var cast))
                    {
                        backToFloat[input] = cast = input + "_to_fp32";
                        nodes.Add(QuantProto.Node("Cast", cast + "_Cast", [input], [cast], "", QuantProto.IntAttribute("to", QuantProto.Float)));
                    }
                    n.Input[k] = cast;
                }
                nodes.Add(n);
                // Outputs stay float32 for kept readers; float16 readers get a Cast under the original name.
                for (int k = 0; k < n.Output.Count; k++)
                {
                    var output = n.Output[k];
                    if (string.IsNullOrEmpty(output) || floatOutputs.Contains(output) || !consumers.TryGetValue(output, out var readers)) continue;
                    var raw = output + "_fp32";
                    n.Output[k] = raw;
                    keptOutput[output] = raw;
                    if (readers.Any(r => !blocked.Contains(r)))
                        nodes.Add(QuantProto.Node("Cast", output + "_to_fp16", [raw], [output], "", QuantProto.IntAttribute("to", QuantProto.Float16)));
                }
                continue;
            }
            for (int k = 0; k < n.Input.Count; k++)
            {
                if (halfInitializer.TryGetValue(n.Input[k], out var h)) n.Input[k] = h;
                else if (inputRename.TryGetValue(n.Input[k], out var r)) n.Input[k] = r;
            }
            ConvertAttributes(n);
            var outputCasts = new List<NodeProto>();
            for (int k = 0; k < n.Output.Count; k++)
                if (outputRename.TryGetValue(n.Output[k], out var r))
                {
                    // Internal readers of a graph output keep reading float16, under the new name.
                    foreach (var other in graph.Node)
                        for (int j = 0; j < other.Input.Count; j++)
                            if (other != n && other.Input[j] == n.Output[k]) other.Input[j] = r;
                    outputCasts.Add(QuantProto.Node("Cast", r + "_to_fp32", [r], [n.Output[k]], "", QuantProto.IntAttribute("to", QuantProto.Float)));
                    n.Output[k] = r;
                }
            nodes.Add(n);
            nodes.AddRange(outputCasts);
            converted.Add(name);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        // Shapes stay valid but element types changed: let the runtime infer them again.
        var keepInfo = graph.ValueInfo.Where(v => v.Type?.TensorType?.ElemType != QuantProto.Float).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(keepInfo);
        return new Outcome(converted, excluded);
    }

    /// <summary>
    /// LayerNorm as exported below opset 17: ReduceMean → Sub → Pow(2) → ReduceMean → Add(ε) → Sqrt → Div. Its
    /// variance (x² sums) overflows float16 for large activations and ε underflows, so the chain stays float32
    /// (the γ/β Mul/Add after it are ordinary float16 ops).
    /// </summary>
    internal static List<NodeProto> DecomposedLayerNorms(GraphProto graph)
    {
        var producer = new Dictionary<string, NodeProto>();
        foreach (var n in graph.Node) foreach (var o in n.Output) producer[o] = n;
        var consumers = QuantCandidate.Consumers(graph);
        NodeProto? Single(string tensor, string op) =>
            consumers.TryGetValue(tensor, out var users) && users.Count == 1 && users[0].OpType == op ? users[0] : null;
        var chain = new List<NodeProto>();
        foreach (var pow in graph.Node.Where(n => n.OpType == "Pow"))
        {
            if (!producer.TryGetValue(pow.Input[0], out var sub) || sub.OpType != "Sub") continue;
            if (!producer.TryGetValue(sub.Input[1], out var mean) || mean.OpType != "ReduceMean") continue;
            var variance = Single(pow.Output[0], "ReduceMean");
            var addEps = variance is null ? null : Single(variance.Output[0], "Add");
            var sqrt = addEps is null ? null : Single(addEps.Output[0], "Sqrt");
            var div = sqrt is null ? null : Single(sqrt.Output[0], "Div");
            if (div is null || div.Input[0] != sub.Output[0]) continue;
            chain.AddRange([mean, sub, pow, variance!, addEps!, sqrt!, div]);
        }
        return chain;
    }

    private static void ConvertAttributes(NodeProto n)
    {
        // ConstantOfShape without a value makes float32 zeros: give it an explicit float16 zero.
        if (n.OpType == "ConstantOfShape" && string.IsNullOrEmpty(n.Domain) && n.Attribute.All(a => a.Name != "value"))
            n.Attribute.Add(new AttributeProto
            {
                Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
                T = QuantProto.Raw("value", QuantProto.Float16, [1], new[] { (Half)0 }.AsSpan()),
            });
        foreach (var a in n.Attribute)
        {
            if (n.OpType == "Cast" && a.Name == "to" && a.I == QuantProto.Float) a.I = QuantProto.Float16;
            if (a.T is { DataType: QuantProto.Float } t && (n.OpType is "Constant" or "ConstantOfShape"))
                a.T = ToHalf(t, t.Name);
        }
    }

    /// <summary>A float16 copy of a float32 tensor, clamped to ±65504.</summary>
    public static TensorProto ToHalf(TensorProto t, string name)
    {
        var values = QuantProto.ReadFloats(t);
        var half = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            half[i] = float.IsNaN(v) ? Half.NaN : (Half)Math.Clamp(v, -65504f, 65504f);
        }
        var result = QuantProto.Raw(name, QuantProto.Float16, t.Dims, half.AsSpan());
        return result;
    }
}
