using System.Text.RegularExpressions;
using Onnx;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Int8 dynamic quantization in place: every candidate MatMul (with its bias Add folded in) becomes a com.microsoft
/// DynamicQuantizeMatMul on int8 symmetric weights, and every fused Attention becomes DynamicQuantizeLinear → QAttention.
/// ONNX Runtime runs both as fused u8×s8 kernels; activations are quantized per call.
/// </summary>
internal static class DynamicQuantizationPass
{
    public sealed record Outcome(List<string> Converted, List<string> Excluded);

    public static Outcome Apply(ModelProto model, bool perChannel, bool reduceRange, bool quantizeWordEmbedding, IReadOnlyList<Regex> exclude)
    {
        var graph = model.Graph;
        var candidates = QuantCandidate.Find(graph);
        var converted = new List<string>();
        var excluded = new List<string>();
        var quantizedWeights = new Dictionary<string, (string Q, string Scale, string Zero)>();
        var newInitializers = new List<TensorProto>();
        var replacements = new Dictionary<NodeProto, List<NodeProto>>();
        var removed = new HashSet<NodeProto>();

        (string Q, string Scale, string Zero) Weight(TensorProto w)
        {
            if (quantizedWeights.TryGetValue(w.Name, out var names)) return names;
            var q = WeightQuantizer.Quantize(QuantProto.ReadFloats(w), (int)w.Dims[0], (int)w.Dims[1], perChannel, reduceRange);
            names = (w.Name + "_quantized", w.Name + "_scale", w.Name + "_zero_point");
            newInitializers.Add(QuantProto.Int8Tensor(names.Q, w.Dims, q.Values));
            long[] scaleDims = q.Scales.Length == 1 ? [] : [q.Scales.Length];
            newInitializers.Add(QuantProto.FloatTensor(names.Scale, scaleDims, q.Scales));
            newInitializers.Add(QuantProto.Int8Tensor(names.Zero, scaleDims, new sbyte[q.Scales.Length]));
            quantizedWeights[w.Name] = names;
            return names;
        }

        var consumers = QuantCandidate.Consumers(graph);
        foreach (var c in candidates)
        {
            if (c.MatchesAny(exclude)) { excluded.Add(c.Name); continue; }
            var (q, scale, zero) = Weight(c.Weight);
            var node = c.Node;
            if (c.IsAttention)
            {
                string x = node.Input[0];
                string xq = $"{c.Name}_input_quantized", xs = $"{c.Name}_input_scale", xz = $"{c.Name}_input_zero_point";
                var dql = QuantProto.Node("DynamicQuantizeLinear", c.Name + "_input_DynamicQuantizeLinear", [x], [xq, xs, xz]);
                string mask = node.Input.Count > 3 ? node.Input[3] : "";
                var qa = QuantProto.Node("QAttention", c.Name, [xq, q, node.Input[2], xs, scale, mask, xz, zero], node.Output, QuantProto.MicrosoftDomain);
                foreach (var a in node.Attribute) qa.Attribute.Add(a.Clone());
                replacements[node] = [dql, qa];
            }
            else
            {
                var inputs = new List<string> { node.Input[0], q, scale, zero };
                var output = node.Output[0];
                if (c.Bias is not null)
                {
                    var add = consumers[node.Output[0]][0];
                    inputs.Add(c.Bias.Name);
                    output = add.Output[0];
                    removed.Add(add);
                }
                replacements[node] = [QuantProto.Node("DynamicQuantizeMatMul", c.Name, inputs, [output], QuantProto.MicrosoftDomain)];
            }
            converted.Add(c.Name);
        }

        if (quantizeWordEmbedding) QuantizeWordEmbedding(graph, exclude, newInitializers, replacements, converted, excluded);

        var nodes = new List<NodeProto>(graph.Node.Count + 8);
        foreach (var n in graph.Node)
        {
            if (removed.Contains(n)) continue;
            if (replacements.TryGetValue(n, out var with)) nodes.AddRange(with);
            else nodes.Add(n);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(newInitializers);
        RemoveUnusedInitializers(graph);
        QuantProto.EnsureOpset(model, QuantProto.MicrosoftDomain, 1);
        return new Outcome(converted, excluded);
    }

    /// <summary>
    /// Gather(word_embeddings, input_ids) becomes Gather(int8 table) → Cast → Mul(Gather(per-token scales)):
    /// only the looked-up rows are ever dequantized.
    /// </summary>
    private static void QuantizeWordEmbedding(GraphProto graph, IReadOnlyList<Regex> exclude, List<TensorProto> newInitializers,
        Dictionary<NodeProto, List<NodeProto>> replacements, List<string> converted, List<string> excluded)
    {
        if (FindWordEmbedding(graph) is not var (node, table, name)) return;
        if (exclude.Any(p => p.IsMatch(name) || p.IsMatch(table.Name))) { excluded.Add(name); return; }
        var q = WeightQuantizer.QuantizeRows(QuantProto.ReadFloats(table), (int)table.Dims[0], (int)table.Dims[1]);
        string qName = table.Name + "_quantized", sName = table.Name + "_row_scale";
        newInitializers.Add(QuantProto.Int8Tensor(qName, table.Dims, q.Values));
        newInitializers.Add(QuantProto.FloatTensor(sName, [table.Dims[0], 1], q.Scales));
        string ids = node.Input[1], o = node.Output[0];
        replacements[node] =
        [
            QuantProto.Node("Gather", name, [qName, ids], [o + "_int8"], "", QuantProto.IntAttribute("axis", 0)),
            QuantProto.Node("Cast", name + "_Cast", [o + "_int8"], [o + "_int8_float"], "", QuantProto.IntAttribute("to", QuantProto.Float)),
            QuantProto.Node("Gather", name + "_scale_Gather", [sName, ids], [o + "_scale"], "", QuantProto.IntAttribute("axis", 0)),
            QuantProto.Node("Mul", name + "_Dequantize", [o + "_int8_float", o + "_scale"], [o]),
        ];
        converted.Add(name);
    }

    /// <summary>
    /// The word-embedding lookup: a Gather on a graph input (input_ids) from a float table; with several (token-type
    /// embeddings look alike) the one with the most rows, with its table and name (<see cref="QuantProto.NodeName"/>).
    /// </summary>
    public static (NodeProto Node, TensorProto Table, string Name)? FindWordEmbedding(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet();
        var node = graph.Node
            .Where(n => n.OpType == "Gather" && string.IsNullOrEmpty(n.Domain) && n.Input.Count == 2
                && initializers.TryGetValue(n.Input[0], out var t) && t.DataType == QuantProto.Float && t.Dims.Count == 2
                && graphInputs.Contains(n.Input[1]) && (QuantProto.IntAttributeOf(n, "axis") ?? 0) == 0)
            .OrderByDescending(n => initializers[n.Input[0]].Dims[0]).FirstOrDefault();
        if (node is null) return null;
        return (node, initializers[node.Input[0]], QuantProto.NodeName(node));
    }

    /// <summary>Drops initializers no node reads any more (the replaced float weights).</summary>
    public static void RemoveUnusedInitializers(GraphProto graph)
    {
        var used = new HashSet<string>(graph.Node.SelectMany(n => n.Input));
        foreach (var o in graph.Output) used.Add(o.Name);
        var before = graph.Initializer.Select(t => t.Name).ToHashSet();
        var keep = graph.Initializer.Where(t => used.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keep);
        // Old exporters list initializers among the graph inputs too: drop those entries with their initializer.
        var inputs = graph.Input.Where(i => used.Contains(i.Name) || !before.Contains(i.Name)).ToList();
        graph.Input.Clear();
        graph.Input.AddRange(inputs);
    }
}
