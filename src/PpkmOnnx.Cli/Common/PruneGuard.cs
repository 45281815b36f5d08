using System.Diagnostics;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// <c>ppkm prune</c>'s accuracy guard: the pruned checkpoint (loaded back strictly from what was written, so the check
/// also proves the folder loads) and its source, scored by TorchSharp on the validation and test splits with the
/// quantizer's measuring stick (<see cref="VariantEvaluator.Score"/>) and rule (<see cref="AccuracyGuard"/>).
/// </summary>
internal static class PruneGuard
{
    /// <summary>Scores both checkpoints; <paramref name="maxDrop"/> is a fraction (0.01 = 1 point).</summary>
    public static PruneGuardOutcome Check(string sourceFolder, string prunedFolder, DatasetSplit split, int maxLength, double maxDrop)
    {
        var clock = Stopwatch.StartNew();
        var sets = new[] { EvaluationSet.FromLabelledTexts("validation", split.Validation.Rows), EvaluationSet.FromLabelledTexts("test", split.Test.Rows) }
            .Where(s => s.Texts.Count > 0).ToList();
        var tokenizer = BertWordPieceTokenizer.FromFolder(sourceFolder);
        float[][][] reference, pruned;
        using (var model = CheckpointLoader.Load(sourceFolder)) reference = sets.Select(s => Logits(model.Model, tokenizer, s, maxLength)).ToArray();
        using (var model = CheckpointLoader.Load(prunedFolder)) pruned = sets.Select(s => Logits(model.Model, tokenizer, s, maxLength)).ToArray();
        var checks = sets.Select((s, i) => VariantEvaluator.Score(s, reference[i], pruned[i], split.LabelNames)).ToList();
        return new PruneGuardOutcome(checks, AccuracyGuard.FailureReason(checks, maxDrop), maxDrop, clock.Elapsed);
    }

    private static float[][] Logits(SequenceClassifier model, BertWordPieceTokenizer tokenizer, EvaluationSet set, int maxLength)
    {
        const int BatchSize = 64;
        var rows = new List<float[]>(set.Texts.Count);
        int k = model.Config.NumLabels;
        foreach (var chunk in set.Texts.Chunk(BatchSize))
        {
            var logits = model.Logits(tokenizer.EncodeBatch(chunk, maxLength));
            for (int i = 0; i < chunk.Length; i++) rows.Add(logits.AsSpan(i * k, k).ToArray());
        }
        return rows.ToArray();
    }
}
