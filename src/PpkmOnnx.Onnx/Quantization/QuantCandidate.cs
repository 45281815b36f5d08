using System.Text.RegularExpressions;
using Onnx;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>A node int8 quantization can convert: a MatMul with a constant 2-D B, or a fused com.microsoft Attention.</summary>
/// <param name="Node">The node.</param>
/// <param name="Name">Its name (made up from its output when the graph leaves it empty).</param>
/// <param name="Weight">The float weight initializer.</param>
/// <param name="Bias">The bias initializer of a MatMul→Add(bias) pair (or Attention's bias), else null.</param>
/// <param name="LayerKey">The encoder layer it belongs to (<c>layer.3</c>) or its own name: the unit of auto-exclusion.</param>
internal sealed record QuantCandidate(NodeProto Node, string Name, TensorProto Weight, TensorProto? Bias, string LayerKey)
{
    private static readonly Regex LayerPattern = new(@"layers?[._/]?(\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public bool IsAttention => Node.OpType == "Attention";

    /// <summary>Finds the candidates of a graph in node order.</summary>
    public static List<QuantCandidate> Find(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var consumers = Consumers(graph);
        var result = new List<QuantCandidate>();
        foreach (var node in graph.Node)
        {
            bool matMul = node.OpType == "MatMul" && string.IsNullOrEmpty(node.Domain);
            bool attention = node.OpType == "Attention" && node.Domain == QuantProto.MicrosoftDomain;
            if (!matMul && !attention) continue;
            if (node.Input.Count < 2 || !initializers.TryGetValue(node.Input[1], out var weight)) continue;
            if (weight.DataType != QuantProto.Float || weight.Dims.Count != 2) continue;
            TensorProto? bias = null;
            if (attention)
            {
                if (node.Input.Count < 3 || !initializers.TryGetValue(node.Input[2], out bias)) continue;
                // QAttention has no past/relative-bias inputs nor the newer attributes: leave such nodes alone.
                if (node.Input.Count > 4 && node.Input.Skip(4).Any(i => !string.IsNullOrEmpty(i))) continue;
                if (node.Attribute.Any(a => a.Name is not ("num_heads" or "unidirectional"))) continue;
            }
            else if (consumers.TryGetValue(node.Output[0], out var users) && users.Count == 1 && users[0].OpType == "Add"
                     && string.IsNullOrEmpty(users[0].Domain))
            {
                var add = users[0];
                var other = add.Input[0] == node.Output[0] ? add.Input[1] : add.Input[0];
                if (initializers.TryGetValue(other, out var b) && b.DataType == QuantProto.Float && b.Dims.Count == 1 && b.Dims[0] == weight.Dims[1])
                    bias = b;
            }
            var name = QuantProto.NodeName(node);
            result.Add(new QuantCandidate(node, name, weight, bias, LayerKeyOf(name, weight.Name, bias?.Name)));
        }
        return result;
    }

    /// <summary>Whether an exclusion pattern names this node (by node name, weight name or bias name).</summary>
    public bool MatchesAny(IReadOnlyList<Regex> patterns) =>
        patterns.Any(p => p.IsMatch(Name) || p.IsMatch(Weight.Name) || (Bias is not null && p.IsMatch(Bias.Name)) || p.IsMatch(LayerKey));

    /// <summary>Turns exclusion globs into anchored regular expressions.</summary>
    public static List<Regex> Globs(IEnumerable<string> patterns) =>
        patterns.Where(p => !string.IsNullOrWhiteSpace(p))
            .Select(p => new Regex("^" + Regex.Escape(p.Trim()).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant))
            .ToList();

    public static Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        var map = new Dictionary<string, List<NodeProto>>();
        foreach (var n in graph.Node)
            foreach (var i in n.Input)
            {
                if (string.IsNullOrEmpty(i)) continue;
                if (!map.TryGetValue(i, out var list)) map[i] = list = [];
                if (!list.Contains(n)) list.Add(n);
            }
        return map;
    }

    private static string LayerKeyOf(params string?[] names)
    {
        foreach (var n in names)
        {
            if (n is null) continue;
            var m = LayerPattern.Match(n);
            if (m.Success) return "layer." + m.Groups[1].Value;
        }
        return names[0]!;
    }
}
