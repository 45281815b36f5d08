using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Pruning;

/// <summary>What the model keeps after one step of an iterative pruning run.</summary>
/// <param name="Heads">Attention heads in the whole model.</param>
/// <param name="Neurons">FFN neurons in each layer.</param>
public readonly record struct StepTarget(int Heads, int Neurons);

/// <summary>
/// The geometric schedule of <c>ppkm prune --steps N</c>: after step i of N the model keeps round(H0 · keep^(i/N)) heads
/// and round(F0 · ffnKeep^(i/N)) neurons per layer (H0, F0: the source's counts), the last step exactly the one-shot
/// targets of <see cref="PruningPlan.HeadTarget"/> and <see cref="PruningPlan.NeuronTarget"/>.
/// </summary>
public static class PruneSchedule
{
    /// <summary>Most steps a run may take.</summary>
    public const int MaxSteps = 10;

    /// <summary>The counts after each of <paramref name="steps"/> steps (non-increasing; the last are the one-shot targets).</summary>
    /// <exception cref="Core.UserInputException">A target that leaves a layer without a head or no FFN neuron.</exception>
    public static IReadOnlyList<StepTarget> Targets(ModelConfig source, double headsKeep, double ffnKeep, int steps)
    {
        if (steps is < 1 or > MaxSteps) throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be in 1..{MaxSteps}.");
        var final = new StepTarget(PruningPlan.HeadTarget(source, headsKeep), PruningPlan.NeuronTarget(source, ffnKeep));
        int heads = TotalHeads(source), neurons = source.IntermediateSize;
        return Enumerable.Range(1, steps)
            .Select(i => i == steps ? final : new StepTarget(Rounded(heads, headsKeep, i, steps), Rounded(neurons, ffnKeep, i, steps)))
            .ToArray();
    }

    /// <summary>
    /// The keep fractions that make <see cref="PruningPlan.Choose"/> land on <paramref name="target"/> from
    /// <paramref name="current"/>'s counts: target / current, checked against the plan's own rounding.
    /// </summary>
    /// <exception cref="InvalidOperationException">The rounding would miss the target (a bug, not bad input).</exception>
    public static (double Heads, double Neurons) Fractions(ModelConfig current, StepTarget target)
    {
        double heads = (double)target.Heads / TotalHeads(current), neurons = (double)target.Neurons / current.IntermediateSize;
        int gotHeads = PruningPlan.HeadTarget(current, heads), gotNeurons = PruningPlan.NeuronTarget(current, neurons);
        if (gotHeads != target.Heads || gotNeurons != target.Neurons)
            throw new InvalidOperationException($"the step fractions {heads}/{neurons} keep {gotHeads} heads and {gotNeurons} neurons, not {target.Heads} and {target.Neurons}.");
        return (heads, neurons);
    }

    /// <summary>Heads the model has now (pruned ones not counted).</summary>
    public static int TotalHeads(ModelConfig config) => Enumerable.Range(0, config.NumHiddenLayers).Sum(config.HeadsInLayer);

    private static int Rounded(int start, double keep, int step, int steps) =>
        (int)Math.Round(start * Math.Pow(keep, (double)step / steps), MidpointRounding.AwayFromZero);
}
