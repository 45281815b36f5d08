using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// The accuracy guard's measuring stick: scores a model variant and its FP32 source on the same texts
/// (accuracy, weighted/macro F1, agreement with FP32, largest logit difference).
/// </summary>
public static class VariantEvaluator
{
    /// <summary>Compares two ONNX files (classifiers with a <c>logits</c>-like first output) on <paramref name="set"/>.</summary>
    /// <param name="fp32ModelPath">The FP32 source.</param>
    /// <param name="variantModelPath">The quantized or fp16 variant.</param>
    /// <param name="set">Texts and gold labels.</param>
    /// <param name="tokenize">Texts → batch, e.g. <c>t => BertWordPieceTokenizer.FromFolder(package).EncodeBatch(t, 128)</c>.</param>
    /// <param name="labelNames">Class names by id.</param>
    /// <param name="batchSize">Rows per run.</param>
    public static AccuracyCheck Compare(string fp32ModelPath, string variantModelPath, EvaluationSet set,
        Func<IReadOnlyList<string>, EncodedBatch> tokenize, IReadOnlyList<string> labelNames, int batchSize = 32)
    {
        set.Validate();
        float[][] reference, variant;
        using (var r = OnnxModelRunner.Open(fp32ModelPath, logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR)) reference = Logits(r, set, tokenize, batchSize);
        using (var v = OnnxModelRunner.Open(variantModelPath, logSeverity: Microsoft.ML.OnnxRuntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR)) variant = Logits(v, set, tokenize, batchSize);
        return Score(set, reference, variant, labelNames);
    }

    /// <summary>
    /// <paramref name="runner"/>'s logits on <paramref name="set"/>, one row per text, run in batches of
    /// <paramref name="batchSize"/> and read by the Runtime's core (<see cref="OnnxModelRunner.RunLogits"/>).
    /// </summary>
    internal static float[][] Logits(OnnxModelRunner runner, EvaluationSet set, Func<IReadOnlyList<string>, EncodedBatch> tokenize, int batchSize)
    {
        var all = new List<float[]>(set.Texts.Count);
        for (int start = 0; start < set.Texts.Count; start += batchSize)
        {
            var logits = runner.RunLogits(tokenize(set.Texts.Skip(start).Take(batchSize).ToList()));
            for (int i = 0; i < logits.Rows; i++) all.Add(logits.Row(i).ToArray());
        }
        return all.ToArray();
    }

    /// <summary>Scores logits already computed (e.g. by TorchSharp, for <c>ppkm prune</c>): one row per text of <paramref name="set"/>.</summary>
    /// <param name="set">Texts and gold labels.</param>
    /// <param name="reference">The reference model's logits.</param>
    /// <param name="variant">The variant's logits.</param>
    /// <param name="labelNames">Class names by id.</param>
    public static AccuracyCheck Score(EvaluationSet set, float[][] reference, float[][] variant, IReadOnlyList<string> labelNames)
    {
        var refPred = reference.Select(row => ClassScores.ArgMax(row)).ToList();
        var varPred = variant.Select(row => ClassScores.ArgMax(row)).ToList();
        double maxDelta = 0;
        for (int i = 0; i < reference.Length; i++)
            for (int j = 0; j < reference[i].Length; j++)
                maxDelta = Math.Max(maxDelta, Math.Abs(reference[i][j] - variant[i][j]));
        int agree = refPred.Zip(varPred).Count(p => p.First == p.Second);
        return new AccuracyCheck
        {
            SetName = set.Name,
            Count = set.Texts.Count,
            Fp32 = ClassificationMetrics.Compute(set.Labels, refPred, labelNames),
            Variant = ClassificationMetrics.Compute(set.Labels, varPred, labelNames),
            Agreement = reference.Length == 0 ? 1 : (double)agree / reference.Length,
            MaxAbsLogitDelta = maxDelta,
        };
    }
}
