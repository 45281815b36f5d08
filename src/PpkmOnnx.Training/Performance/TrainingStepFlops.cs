using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// Analytic floating-point operations of one fine-tuning step (forward + backward) of a classifier, counted from the
/// model's own weights so pruned and distilled shapes count what they really run.
/// </summary>
/// <remarks>
/// A matmul of [m, k] by [k, n] is 2·m·k·n operations. Every 2-D weight outside the embeddings is a Linear layer; per
/// token it costs 2·P forward (P = its elements) and 4·P backward (input gradient and weight gradient), so the encoder's
/// Linears cost 6·P_tokenwise·T for T = batch·sequence tokens, and the pooler/pre-classifier and classifier, which see
/// one row per sequence, 6·P_head·batch. Attention adds two batched matmuls per layer (scores QKᵀ and context AV), each
/// 2·batch·S²·W for an attention width W (heads × head size), again ×3 with the backward:
/// <c>FLOPs ≈ 6·P_tokenwise·T + 6·P_head·B + 12·B·S²·ΣW_layer</c>. Embedding lookups, LayerNorm, GELU, softmax, dropout
/// and the optimizer are not counted (memory-bound, a few percent of the operations). For the MiniLM-L6 shape
/// (hidden 384, FFN 1536, 6 layers) at 32 × 64: 6·10.62 M·2048 + 12·32·64²·(6·384) ≈ 130.5 + 3.6 = 134.1 GFLOP.
/// </remarks>
public static class TrainingStepFlops
{
    /// <summary>Operations of one forward + backward over a <paramref name="batch"/> × <paramref name="sequence"/> batch.</summary>
    public static double Of(SequenceClassifier model, long batch, long sequence)
    {
        var (tokenwise, head, attentionWidth) = MatmulWeights(model);
        return Of(tokenwise, head, attentionWidth, batch, sequence);
    }

    /// <summary>The same count from <see cref="MatmulWeights"/>' figures (computed once per model, used every step).</summary>
    public static double Of(long tokenwise, long perSequence, long attentionWidth, long batch, long sequence) =>
        6.0 * tokenwise * ((double)batch * sequence) + 6.0 * perSequence * batch + 12.0 * batch * (double)sequence * sequence * attentionWidth;

    /// <summary>
    /// Elements of the Linear weights applied to every token, of those applied once per sequence (pooler,
    /// pre-classifier, classifier), and the attention width summed over layers (output rows of every query projection).
    /// </summary>
    public static (long Tokenwise, long PerSequence, long AttentionWidth) MatmulWeights(SequenceClassifier model)
    {
        long tokenwise = 0, head = 0, width = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() != 2 || name.Contains("embeddings", StringComparison.Ordinal)) continue;
            bool perSequence = name.Contains("pooler", StringComparison.Ordinal) || name.Contains("classifier", StringComparison.Ordinal);
            if (perSequence) head += p.numel();
            else tokenwise += p.numel();
            if (name.EndsWith(".query.weight", StringComparison.Ordinal) || name.EndsWith(".q_lin.weight", StringComparison.Ordinal))
                width += p.shape[0];
        }
        return (tokenwise, head, width);
    }

    /// <summary>
    /// The distinct GEMM shapes (m, k, n) of the model's tokenwise Linears at <paramref name="tokens"/> rows: forward
    /// [T, in]·[in, out], input gradient [T, out]·[out, in] and weight gradient [out, T]·[T, in].
    /// </summary>
    public static IReadOnlyList<GemmShape> LinearGemmShapes(SequenceClassifier model, long tokens)
    {
        var shapes = new List<GemmShape>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dim() != 2 || name.Contains("embeddings", StringComparison.Ordinal)
                || name.Contains("pooler", StringComparison.Ordinal) || name.Contains("classifier", StringComparison.Ordinal)) continue;
            long output = p.shape[0], input = p.shape[1];
            foreach (var s in new[] { new GemmShape(tokens, input, output), new GemmShape(tokens, output, input), new GemmShape(output, tokens, input) })
                if (!shapes.Contains(s)) shapes.Add(s);
        }
        return shapes;
    }
}
