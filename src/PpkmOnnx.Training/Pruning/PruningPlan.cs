using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Pruning;

/// <summary>
/// What to remove from a model: per layer, the heads to drop and the FFN neurons to keep, both by the model's current
/// indices (ascending). Every layer keeps the same number of neurons, so the result has one <c>intermediate_size</c>
/// (<c>hidden_dim</c>) and stays loadable by transformers.
/// </summary>
/// <param name="HeadsRemoved">Per layer, current indices of the heads to remove.</param>
/// <param name="NeuronsKept">Per layer, current indices of the FFN neurons to keep (same count in every layer).</param>
public sealed record PruningPlan(IReadOnlyList<int[]> HeadsRemoved, IReadOnlyList<int[]> NeuronsKept)
{
    /// <summary>
    /// Chooses what to remove: heads across the whole model by their layer-normalised score (each layer's best head is always
    /// kept), FFN neurons per layer by score. Counts are rounded to the nearest whole head/neuron.
    /// </summary>
    /// <param name="config">The model's configuration (already pruned heads are not counted).</param>
    /// <param name="scores">Importance from <see cref="ImportanceScorer"/>.</param>
    /// <param name="headsKeep">Fraction of the model's current heads to keep, in (0, 1].</param>
    /// <param name="neuronsKeep">Fraction of each layer's FFN neurons to keep, in (0, 1].</param>
    /// <exception cref="InvalidSettingException">A fraction outside (0, 1], fewer heads than layers, or no neuron left.</exception>
    public static PruningPlan Choose(ModelConfig config, ImportanceScores scores, double headsKeep, double neuronsKeep)
    {
        CheckFraction(nameof(PruneRunOptions.HeadsKeep), headsKeep);
        CheckFraction(nameof(PruneRunOptions.FfnKeep), neuronsKeep);
        int layers = config.NumHiddenLayers;
        int keepHeads = HeadTarget(config, headsKeep);
        int keepNeurons = NeuronTarget(config, neuronsKeep);

        // Each layer's best head first (a layer without heads is not a BERT layer), then the best of the rest model-wide.
        var ranked = Enumerable.Range(0, layers)
            .SelectMany(l => scores.Heads[l].Select((score, h) => (Layer: l, Head: h, Score: score)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Layer).ThenBy(x => x.Head).ToList();
        var kept = ranked.GroupBy(x => x.Layer).Select(g => (g.First().Layer, g.First().Head)).ToHashSet();
        foreach (var x in ranked)
        {
            if (kept.Count >= keepHeads) break;
            kept.Add((x.Layer, x.Head));
        }
        var removed = Enumerable.Range(0, layers)
            .Select(l => Enumerable.Range(0, config.HeadsInLayer(l)).Where(h => !kept.Contains((l, h))).ToArray())
            .ToArray();
        var neurons = scores.Neurons
            .Select(layer => layer.Select((score, j) => (Score: score, Index: j)).OrderByDescending(x => x.Score).ThenBy(x => x.Index)
                .Take(keepNeurons).Select(x => x.Index).Order().ToArray())
            .ToArray();
        return new PruningPlan(removed, neurons);
    }

    /// <summary>Per layer, the heads this plan removes from <paramref name="config"/> by their ORIGINAL indices (as in <c>pruned_heads</c>).</summary>
    public IReadOnlyList<int[]> OriginalHeadsRemoved(ModelConfig config) =>
        HeadsRemoved.Select((removed, l) => removed.Select(c => config.RemainingHeads(l)[c]).ToArray()).ToArray();

    /// <summary>
    /// This plan (by <paramref name="config"/>'s current indices) followed by <paramref name="next"/> (by the indices of
    /// the model this plan leaves) as one plan by <paramref name="config"/>'s current indices.
    /// </summary>
    public PruningPlan Then(ModelConfig config, PruningPlan next)
    {
        var heads = HeadsRemoved.Select((removed, l) =>
        {
            var kept = Enumerable.Range(0, config.HeadsInLayer(l)).Except(removed).Order().ToArray();
            return removed.Concat(next.HeadsRemoved[l].Select(c => kept[c])).Order().ToArray();
        }).ToArray();
        var neurons = NeuronsKept.Select((kept, l) => next.NeuronsKept[l].Select(j => kept[j]).ToArray()).ToArray();
        return new PruningPlan(heads, neurons);
    }

    /// <summary>Heads the model keeps for <paramref name="fraction"/>; checks that every layer can keep one.</summary>
    /// <exception cref="InvalidSettingException">A fraction outside (0, 1], or the target leaves fewer heads than layers.</exception>
    public static int HeadTarget(ModelConfig config, double fraction)
    {
        CheckFraction(nameof(PruneRunOptions.HeadsKeep), fraction);
        int layers = config.NumHiddenLayers;
        int total = Enumerable.Range(0, layers).Sum(config.HeadsInLayer);
        int keep = (int)Math.Round(fraction * total, MidpointRounding.AwayFromZero);
        if (keep < layers)
            throw new InvalidSettingException(nameof(PruneRunOptions.HeadsKeep), $"{fraction} keeps {keep} of {total} heads, which would leave a layer with no head ({layers} layers need at least one each: use at least {(double)layers / total:0.###}).");
        return keep;
    }

    /// <summary>FFN neurons each layer keeps for <paramref name="fraction"/>.</summary>
    /// <exception cref="InvalidSettingException">A fraction outside (0, 1], or the target keeps no neuron.</exception>
    public static int NeuronTarget(ModelConfig config, double fraction)
    {
        CheckFraction(nameof(PruneRunOptions.FfnKeep), fraction);
        int keep = (int)Math.Round(fraction * config.IntermediateSize, MidpointRounding.AwayFromZero);
        if (keep < 1) throw new InvalidSettingException(nameof(PruneRunOptions.FfnKeep), $"{fraction} keeps no FFN neuron of {config.IntermediateSize}.");
        return keep;
    }

    private static void CheckFraction(string setting, double fraction)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new InvalidSettingException(setting, $"must be a fraction in (0, 1], got {fraction}.");
    }
}
