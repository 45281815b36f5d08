using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>
/// Checks an exported model against a reference on real texts: for each batch size (1, and larger ones so padding is
/// exercised) it tokenizes the texts, runs both models on the same batches and compares every output value.
/// </summary>
public static class ExportValidator
{
    /// <summary>The default tolerance on the largest absolute difference.</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>Compares <paramref name="candidate"/> with <paramref name="reference"/>.</summary>
    /// <param name="candidate">The exported model (usually an <see cref="OnnxModelRunner"/>).</param>
    /// <param name="reference">The model it must match.</param>
    /// <param name="tokenizer">Tokenizer of the checkpoint.</param>
    /// <param name="texts">Texts to encode; at least one.</param>
    /// <param name="maxLength">Truncation length.</param>
    /// <param name="batchSizes">Batch sizes; defaults to 1 and 4.</param>
    /// <param name="outputsAreLogits">True when the output is [batch, labels] logits (argmax must then agree everywhere).</param>
    /// <param name="tolerance">Largest absolute difference accepted.</param>
    /// <param name="cancellationToken">Checked before every batch.</param>
    /// <exception cref="ArgumentException">No texts, a bad batch size, or outputs of different lengths.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ValidationReport Validate(IReferenceModel candidate, IReferenceModel reference, BertWordPieceTokenizer tokenizer,
        IReadOnlyList<string> texts, int maxLength, IReadOnlyList<int>? batchSizes = null, bool outputsAreLogits = true, double tolerance = DefaultTolerance,
        CancellationToken cancellationToken = default)
    {
        if (texts.Count == 0) throw new ArgumentException("validation needs at least one text.", nameof(texts));
        if (maxLength < 2) throw new ArgumentException($"max length {maxLength} is too short (at least 2 for [CLS] and [SEP]).", nameof(maxLength));
        var sizes = batchSizes ?? new[] { 1, 4 };
        var rows = new List<ValidationRow>();
        foreach (var size in sizes)
        {
            if (size < 1) throw new ArgumentException($"batch size {size} must be positive.", nameof(batchSizes));
            double maxDiff = 0;
            long agree = 0, total = 0;
            int batches = 0;
            for (int start = 0; start < texts.Count; start += size)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = texts.Skip(start).Take(size).ToList();
                var batch = tokenizer.EncodeBatch(chunk, maxLength);
                var got = candidate.Forward(batch);
                var want = reference.Forward(batch);
                if (got.Length != want.Length)
                    throw new ArgumentException($"the exported model returned {got.Length} values for a batch of {batch.BatchSize}x{batch.SequenceLength} but the reference returned {want.Length}.");
                for (int i = 0; i < got.Length; i++)
                {
                    double d = Math.Abs((double)got[i] - want[i]);
                    if (double.IsNaN(d)) d = double.PositiveInfinity;
                    if (d > maxDiff) maxDiff = d;
                }
                int width = outputsAreLogits ? got.Length / batch.BatchSize : got.Length / (batch.BatchSize * batch.SequenceLength);
                for (int r = 0; r * width < got.Length; r++)
                {
                    if (ClassScores.ArgMax(got.AsSpan(r * width, width)) == ClassScores.ArgMax(want.AsSpan(r * width, width))) agree++;
                    total++;
                }
                batches++;
            }
            double agreement = total == 0 ? 1 : (double)agree / total;
            rows.Add(new ValidationRow(size, batches, maxDiff, agreement, maxDiff <= tolerance && (!outputsAreLogits || agree == total)));
        }
        return new ValidationReport(tolerance, texts.Count, maxLength, rows);
    }
}
