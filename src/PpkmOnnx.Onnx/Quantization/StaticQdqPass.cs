using System.Text.RegularExpressions;
using Onnx;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// Int8 static quantization in QDQ form: each candidate MatMul reads its activation through
/// QuantizeLinear→DequantizeLinear with a calibrated scale/zero point (shared by all MatMuls reading the same tensor),
/// and its weight as int8 (per channel, symmetric) through DequantizeLinear. ONNX Runtime fuses the pattern into
/// integer kernels; other runtimes can still read it as float.
/// </summary>
internal static class StaticQdqPass
{
    public sealed record Outcome(List<string> Converted, List<string> Excluded);

    /// <summary>The activation tensors calibration must observe for these candidates.</summary>
    public static List<string> ActivationsToCalibrate(GraphProto graph, IReadOnlyList<Regex> exclude) =>
        QuantCandidate.Find(graph).Where(c => !c.IsAttention && !c.MatchesAny(exclude))
            .Select(c => c.Node.Input[0]).Distinct().ToList();

    public static Outcome Apply(ModelProto model, IReadOnlyDictionary<string, (float Min, float Max)> ranges, bool perChannel,
        bool reduceRange, bool signedActivations, IReadOnlyList<Regex> exclude)
    {
        var graph = model.Graph;
        bool perAxisAllowed = QuantProto.DefaultOpset(model) >= 13;
        perChannel &= perAxisAllowed;
        var converted = new List<string>();
        var excluded = new List<string>();
        var newInitializers = new List<TensorProto>();
        var inserted = new Dictionary<NodeProto, List<NodeProto>>();
        var activationDq = new Dictionary<string, string>();
        var weightDq = new Dictionary<string, string>();

        foreach (var c in QuantCandidate.Find(graph))
        {
            if (c.IsAttention || c.MatchesAny(exclude) || !ranges.ContainsKey(c.Node.Input[0])) { excluded.Add(c.Name); continue; }
            var before = new List<NodeProto>();
            string a = c.Node.Input[0];
            if (!activationDq.TryGetValue(a, out var aDq))
            {
                var (lo, hi) = ranges[a];
                var (scale, zero) = ActivationParameters(lo, hi, signedActivations);
                string s = a + "_scale", z = a + "_zero_point", q = a + "_QuantizeLinear_Output";
                aDq = a + "_DequantizeLinear_Output";
                newInitializers.Add(QuantProto.FloatScalar(s, scale));
                newInitializers.Add(signedActivations ? QuantProto.Int8Scalar(z, (sbyte)zero) : QuantProto.UInt8Scalar(z, (byte)zero));
                before.Add(QuantProto.Node("QuantizeLinear", a + "_QuantizeLinear", [a, s, z], [q]));
                before.Add(QuantProto.Node("DequantizeLinear", a + "_DequantizeLinear", [q, s, z], [aDq]));
                activationDq[a] = aDq;
            }
            var w = c.Weight;
            if (!weightDq.TryGetValue(w.Name, out var wDq))
            {
                var qw = WeightQuantizer.Quantize(QuantProto.ReadFloats(w), (int)w.Dims[0], (int)w.Dims[1], perChannel, reduceRange);
                string wq = w.Name + "_quantized", ws = w.Name + "_scale", wz = w.Name + "_zero_point";
                wDq = w.Name + "_DequantizeLinear_Output";
                long[] dims = qw.Scales.Length == 1 ? [] : [qw.Scales.Length];
                newInitializers.Add(QuantProto.Int8Tensor(wq, w.Dims, qw.Values));
                newInitializers.Add(QuantProto.FloatTensor(ws, dims, qw.Scales));
                newInitializers.Add(QuantProto.Int8Tensor(wz, dims, new sbyte[qw.Scales.Length]));
                var dq = QuantProto.Node("DequantizeLinear", w.Name + "_DequantizeLinear", [wq, ws, wz], [wDq]);
                if (qw.Scales.Length > 1) dq.Attribute.Add(QuantProto.IntAttribute("axis", 1));
                before.Add(dq);
                weightDq[w.Name] = wDq;
            }
            c.Node.Input[0] = aDq;
            c.Node.Input[1] = wDq;
            inserted[c.Node] = before;
            converted.Add(c.Name);
        }

        var nodes = new List<NodeProto>(graph.Node.Count + inserted.Count * 3);
        foreach (var n in graph.Node)
        {
            if (inserted.TryGetValue(n, out var pre)) nodes.AddRange(pre);
            nodes.Add(n);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(newInitializers);
        DynamicQuantizationPass.RemoveUnusedInitializers(graph);
        return new Outcome(converted, excluded);
    }

    /// <summary>Asymmetric activation parameters for [lo, hi] (0 inside): uint8 0..255 or int8 −128..127.</summary>
    internal static (float Scale, int ZeroPoint) ActivationParameters(float lo, float hi, bool signed)
    {
        lo = Math.Min(lo, 0); hi = Math.Max(hi, 0);
        int qmin = signed ? -128 : 0, qmax = signed ? 127 : 255;
        float scale = (hi - lo) / (qmax - qmin);
        if (!(scale > 0) || float.IsInfinity(scale)) return (1f, 0);
        int zero = (int)Math.Clamp(MathF.Round(qmin - lo / scale, MidpointRounding.ToEven), qmin, qmax);
        return (scale, zero);
    }
}
