using Onnx;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// The names a <see cref="QuantizeOptions.Exclude"/> pattern is matched against in each mode, and the check that every
/// pattern names at least one of them. A mistyped pattern would otherwise quantize the very node it was meant to keep in
/// float32, and the accuracy guard might not notice (ONNX Runtime's <c>nodes_to_exclude</c> ignores unknown names silently).
/// </summary>
internal static class ExclusionTargets
{
    /// <summary>
    /// Int8 modes: every candidate's node, weight and bias names and its layer key (<see cref="QuantCandidate.MatchesAny"/>),
    /// plus the word-embedding lookup and its table when dynamic int8 quantizes it. Fp16: every node's name.
    /// </summary>
    public static IReadOnlyList<string> Names(GraphProto graph, ModelVariant variant, bool quantizeWordEmbedding)
    {
        if (variant == ModelVariant.Fp16) return graph.Node.Select(QuantProto.NodeName).ToList();
        var names = new List<string>();
        foreach (var c in QuantCandidate.Find(graph))
        {
            names.Add(c.Name);
            names.Add(c.Weight.Name);
            if (c.Bias is not null) names.Add(c.Bias.Name);
            names.Add(c.LayerKey);
        }
        if (variant == ModelVariant.Int8 && quantizeWordEmbedding && DynamicQuantizationPass.FindWordEmbedding(graph) is var (_, table, name))
        {
            names.Add(name);
            names.Add(table.Name);
        }
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Refuses the first exclusion pattern of <paramref name="options"/> that matches none of <see cref="Names"/>.</summary>
    /// <exception cref="UserInputException">A pattern names nothing the mode converts; the message gives examples of what does.</exception>
    public static void RequireEachPatternMatches(GraphProto graph, QuantizeOptions options)
    {
        var patterns = options.Exclude.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        if (patterns.Count == 0) return;
        var names = Names(graph, options.Variant, options.QuantizeWordEmbedding);
        foreach (var pattern in patterns)
        {
            var glob = QuantCandidate.Globs([pattern])[0];
            if (names.Any(glob.IsMatch)) continue;
            string mode = ModelPackageLayout.VariantName(options.Variant);
            string matched = options.Variant == ModelVariant.Fp16 ? "node names" : "node, weight and bias names and layer keys";
            string examples = names.Count == 0 ? "this model has none" : "e.g. " + string.Join(", ", Examples(names));
            throw new UserInputException($"exclusion pattern '{pattern.Trim()}' names nothing {mode} converts, so it would keep nothing in float32; "
                + $"{mode} patterns match {matched}, whole (a glob's * and ? stand for any characters): {examples}.");
        }
    }

    // Two full names and, in the int8 modes, the first layer key: enough to show the spelling without flooding the line.
    private static IEnumerable<string> Examples(IReadOnlyList<string> names) =>
        names.Where(n => !n.StartsWith("layer.", StringComparison.Ordinal)).Take(2)
            .Concat(names.Where(n => n.StartsWith("layer.", StringComparison.Ordinal)).Take(1));
}
