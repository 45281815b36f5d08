using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Pruning;

/// <summary>
/// Scores attention heads and FFN neurons on labelled training rows with first-order (gradient) importance.
/// <para>
/// Heads (Michel, Levy and Neubig 2019, "Are Sixteen Heads Really Better than One?"): every head h of layer l gets a mask
/// ξ_h = 1 multiplying its attention probabilities, and I_h = E_x |∂L(x)/∂ξ_h|, the expectation over training examples x
/// of the absolute gradient of the cross-entropy loss with respect to the mask. The masks are per example
/// (<c>[batch, heads, 1, 1]</c>), so the absolute value is taken per example, as the definition asks, not per batch.
/// </para>
/// <para>
/// FFN neurons (first-order Taylor, Molchanov et al. 2017): neuron j of layer l with activation a_{x,t,j} at token t gets
/// I_j = E_x |Σ_t a_{x,t,j} · ∂L(x)/∂a_{x,t,j}|, which is again the gradient with respect to a per-example mask on the
/// neuron (padding tokens have zero gradient, so they add nothing).
/// </para>
/// <para>
/// Both are then normalised per layer to unit ℓ2 norm (Michel et al. §6.1), so that heads of different layers compare
/// on one scale when the least important heads are chosen across the whole model.
/// </para>
/// The model is scored in eval mode (no dropout) with its parameters frozen (only the masks need gradients);
/// its training mode and <c>requires_grad</c> flags are restored afterwards.
/// </summary>
public static class ImportanceScorer
{
    /// <summary>The importance method, as recorded in prune.json.</summary>
    public const string Method = "heads: E_x|dL/d(head mask)| (Michel et al. 2019); FFN neurons: E_x|sum_t activation*dL/d(activation)| (first-order Taylor); cross-entropy on training rows; each layer L2-normalised";

    /// <summary>Scores <paramref name="model"/> on <paramref name="rows"/>.</summary>
    /// <param name="model">The model (any device).</param>
    /// <param name="rows">Labelled training rows (never validation or test).</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="maxLength">Tokens per row, [CLS] and [SEP] included.</param>
    /// <param name="batchSize">Rows per forward/backward pass.</param>
    /// <param name="progress">Receives (rows done, rows in all) after each batch; may be null.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    public static ImportanceScores Compute(SequenceClassifier model, IReadOnlyList<LabelledText> rows, BertWordPieceTokenizer tokenizer,
        int maxLength, int batchSize, IProgress<(int Done, int Total)>? progress = null, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0) throw new ArgumentException("importance scoring needs at least one training row.", nameof(rows));
        var config = model.Config;
        int layers = config.NumHiddenLayers;
        var heads = Enumerable.Range(0, layers).Select(l => new double[config.HeadsInLayer(l)]).ToArray();
        var neurons = Enumerable.Range(0, layers).Select(_ => new double[config.IntermediateSize]).ToArray();
        var split = EncodedSplit.Create(rows, tokenizer, maxLength);
        bool wasTraining = model.training;
        var frozen = model.parameters().Select(p => (Parameter: p, p.requires_grad)).ToList();
        model.eval();
        foreach (var (p, _) in frozen) p.requires_grad = false;
        try
        {
            int done = 0;
            foreach (var batch in split.SortedBatches(batchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ScoreBatch(model, split, batch, heads, neurons);
                done += batch.Length;
                progress?.Report((done, split.Count));
            }
        }
        finally
        {
            model.HeadMasks = null;
            model.FfnMasks = null;
            foreach (var (p, requiresGrad) in frozen) p.requires_grad = requiresGrad;
            if (wasTraining) model.train();
        }
        return new ImportanceScores(heads.Select(h => Normalise(h, split.Count)).ToArray(), neurons.Select(n => Normalise(n, split.Count)).ToArray(), split.Count);
    }

    /// <summary>Adds Σ_x |∂L(x)/∂mask| of one batch to the running sums.</summary>
    private static void ScoreBatch(SequenceClassifier model, EncodedSplit split, int[] batch, double[][] heads, double[][] neurons)
    {
        using var scope = torch.NewDisposeScope();
        var device = model.Device;
        long n = batch.Length;
        var headMasks = heads.Select(h => torch.ones(n, h.Length, 1, 1, device: device, requires_grad: true)).ToArray();
        var ffnMasks = neurons.Select(f => torch.ones(n, 1, f.Length, device: device, requires_grad: true)).ToArray();
        model.HeadMasks = headMasks;
        model.FfnMasks = ffnMasks;
        var (ids, mask, types) = SequenceClassifier.ToTensors(split.Batch(batch), device);
        var labels = torch.tensor(split.Labels(batch)).to(device);
        // Summed, not averaged: each example's mask gradient is then exactly ∂L(x)/∂ξ.
        var loss = nn.functional.cross_entropy(model.Forward(ids, mask, types), labels, reduction: nn.Reduction.Sum);
        loss.backward();
        for (int l = 0; l < heads.Length; l++)
        {
            Accumulate(heads[l], headMasks[l].grad!.abs().sum([0, 2, 3]));
            Accumulate(neurons[l], ffnMasks[l].grad!.abs().sum([0, 1]));
        }
    }

    private static void Accumulate(double[] sums, Tensor perUnit)
    {
        var values = perUnit.to(ScalarType.Float64).cpu().data<double>().ToArray();
        for (int i = 0; i < sums.Length; i++) sums[i] += values[i];
    }

    /// <summary>The mean over <paramref name="rows"/>, scaled to unit ℓ2 norm (left as is when all zero).</summary>
    private static double[] Normalise(double[] sums, int rows)
    {
        var mean = sums.Select(s => s / rows).ToArray();
        double norm = Math.Sqrt(mean.Sum(v => v * v));
        return norm > 0 ? mean.Select(v => v / norm).ToArray() : mean;
    }
}
