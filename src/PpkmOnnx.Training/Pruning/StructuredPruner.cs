using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Pruning;

/// <summary>
/// Removes heads and FFN neurons physically, the way transformers' <c>prune_heads</c> does: a head's rows of the query,
/// key and value weights and biases and its columns of the attention-output weight go; an FFN neuron's row (and bias) of
/// the first FFN linear and its column of the second go. The output biases stay, so a removed unit's effect is exactly
/// that of a zero mask on it. Pruned heads are recorded in the config by their ORIGINAL indices, merged with any pruned before.
/// </summary>
public static class StructuredPruner
{
    /// <summary>The configuration after <paramref name="plan"/>: pruned heads composed, FFN size reduced.</summary>
    public static ModelConfig PrunedConfig(ModelConfig config, PruningPlan plan)
    {
        var pruned = new Dictionary<int, IReadOnlyList<int>>();
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            // Current index c of layer l is the c-th head it still has, so map back through the remaining original indices.
            var remaining = config.RemainingHeads(l);
            var all = (config.PrunedHeads.TryGetValue(l, out var before) ? before : []).Concat(plan.HeadsRemoved[l].Select(c => remaining[c])).Order().ToArray();
            if (all.Length > 0) pruned[l] = all;
        }
        int neurons = plan.NeuronsKept.Count == 0 ? config.IntermediateSize : plan.NeuronsKept[0].Length;
        return config with { PrunedHeads = pruned, IntermediateSize = neurons };
    }

    /// <summary>A new model (on the CPU) holding <paramref name="model"/>'s weights without the units <paramref name="plan"/> removes.</summary>
    /// <exception cref="ArgumentException">The plan does not fit the model (layer count, indices, unequal FFN sizes).</exception>
    public static SequenceClassifier Apply(SequenceClassifier model, PruningPlan plan)
    {
        var config = model.Config;
        Check(config, plan);
        var tensors = model.NamedTensors();
        var names = LayerNames.For(model);
        int d = config.HeadSize;
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            var removed = plan.HeadsRemoved[l].ToHashSet();
            var headRows = Enumerable.Range(0, config.HeadsInLayer(l)).Where(h => !removed.Contains(h))
                .SelectMany(h => Enumerable.Range(h * d, d)).ToArray();
            foreach (var projection in names.Projections(l))
            {
                tensors[projection + ".weight"] = Rows(tensors[projection + ".weight"], headRows);
                tensors[projection + ".bias"] = Rows(tensors[projection + ".bias"], headRows);
            }
            var output = names.AttentionOutput(l) + ".weight";
            tensors[output] = Columns(tensors[output], headRows);
            var neurons = plan.NeuronsKept[l];
            tensors[names.FfnIn(l) + ".weight"] = Rows(tensors[names.FfnIn(l) + ".weight"], neurons);
            tensors[names.FfnIn(l) + ".bias"] = Rows(tensors[names.FfnIn(l) + ".bias"], neurons);
            tensors[names.FfnOut(l) + ".weight"] = Columns(tensors[names.FfnOut(l) + ".weight"], neurons);
        }
        var pruned = SequenceClassifierFactory.Create(PrunedConfig(config, plan));
        try
        {
            CheckpointLoader.Assign(pruned, tensors, "pruned weights");
            return pruned;
        }
        catch
        {
            pruned.Dispose();
            throw;
        }
    }

    private static void Check(ModelConfig config, PruningPlan plan)
    {
        if (plan.HeadsRemoved.Count != config.NumHiddenLayers || plan.NeuronsKept.Count != config.NumHiddenLayers)
            throw new ArgumentException($"the pruning plan covers {plan.HeadsRemoved.Count}/{plan.NeuronsKept.Count} layers, the model has {config.NumHiddenLayers}.", nameof(plan));
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            int heads = config.HeadsInLayer(l);
            var removed = plan.HeadsRemoved[l];
            if (removed.Any(h => h < 0 || h >= heads) || removed.Distinct().Count() != removed.Length)
                throw new ArgumentException($"layer {l}: heads to remove must be distinct indices in 0..{heads - 1}.", nameof(plan));
            if (removed.Length >= heads)
                throw new ArgumentException($"layer {l}: removing {removed.Length} of its {heads} heads would leave it with no head.", nameof(plan));
            var kept = plan.NeuronsKept[l];
            if (kept.Length == 0 || kept.Length != plan.NeuronsKept[0].Length)
                throw new ArgumentException("every layer must keep the same, non-zero number of FFN neurons (one intermediate_size for transformers).", nameof(plan));
            if (kept.Any(j => j < 0 || j >= config.IntermediateSize) || kept.Distinct().Count() != kept.Length)
                throw new ArgumentException($"layer {l}: FFN neurons to keep must be distinct indices in 0..{config.IntermediateSize - 1}.", nameof(plan));
        }
    }

    /// <summary>The rows <paramref name="rows"/> of a [rows, …] tensor (a 1-D bias included), in the given order.</summary>
    private static TensorData Rows(TensorData t, int[] rows)
    {
        long width = t.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var data = new float[rows.Length * width];
        for (int r = 0; r < rows.Length; r++) Array.Copy(t.Data, rows[r] * width, data, r * width, width);
        return new TensorData(new long[] { rows.Length }.Concat(t.Shape.Skip(1)).ToArray(), data);
    }

    /// <summary>The columns <paramref name="columns"/> of a [out, in] weight.</summary>
    private static TensorData Columns(TensorData t, int[] columns)
    {
        long rows = t.Shape[0], width = t.Shape[1];
        var data = new float[rows * columns.Length];
        for (long r = 0; r < rows; r++)
            for (int c = 0; c < columns.Length; c++)
                data[r * columns.Length + c] = t.Data[r * width + columns[c]];
        return new TensorData([rows, columns.Length], data);
    }

    /// <summary>Hugging Face names of the prunable linears of BERT and DistilBERT.</summary>
    private sealed record LayerNames(string Layer, string[] ProjectionSuffixes, string AttentionOutputSuffix, string FfnInSuffix, string FfnOutSuffix)
    {
        public static LayerNames For(SequenceClassifier model) => model.Config.Architecture == ModelArchitecture.Bert
            ? new("bert.encoder.layer.", ["attention.self.query", "attention.self.key", "attention.self.value"], "attention.output.dense", "intermediate.dense", "output.dense")
            : new("distilbert.transformer.layer.", ["attention.q_lin", "attention.k_lin", "attention.v_lin"], "attention.out_lin", "ffn.lin1", "ffn.lin2");

        public IEnumerable<string> Projections(int layer) => ProjectionSuffixes.Select(s => $"{Layer}{layer}.{s}");
        public string AttentionOutput(int layer) => $"{Layer}{layer}.{AttentionOutputSuffix}";
        public string FfnIn(int layer) => $"{Layer}{layer}.{FfnInSuffix}";
        public string FfnOut(int layer) => $"{Layer}{layer}.{FfnOutSuffix}";
    }
}
