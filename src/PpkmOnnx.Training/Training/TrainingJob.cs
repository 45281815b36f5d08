using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>One training batch as a loss sees it.</summary>
/// <param name="Labels">Gold class ids, int64 <c>[batch]</c>.</param>
/// <param name="InputIds">The batch's token ids (a teacher needs them).</param>
/// <param name="AttentionMask">The batch's mask.</param>
/// <param name="TokenTypeIds">The batch's segment ids.</param>
/// <param name="Rows">Which rows of the train split the batch holds, in order (a teacher's logits are kept by row).</param>
internal sealed record LossBatch(Tensor Labels, Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds, int[] Rows);

/// <summary>Computes the training loss of one batch from the student's logits.</summary>
/// <param name="logits">Model output <c>[batch, classes]</c>.</param>
/// <param name="batch">The batch.</param>
/// <param name="classWeights">Cross-entropy class weights, or null.</param>
internal delegate Tensor BatchLoss(Tensor logits, LossBatch batch, Tensor? classWeights);

/// <summary>Everything <see cref="TrainingLoop"/> needs: the model on its device, the data, the loss, what to record.</summary>
internal sealed record TrainingJob
{
    public required string Stage { get; init; }
    public required TrainingRunOptions Options { get; init; }
    public required DatasetSplit Data { get; init; }
    public required SequenceClassifier Model { get; init; }
    public required Device Device { get; init; }
    public required BertWordPieceTokenizer Tokenizer { get; init; }
    public required string TokenizerFolder { get; init; }
    public required BatchLoss Loss { get; init; }
    /// <summary>A distillation's teacher logits, which the loop computes for the train split before the first epoch; null when training alone.</summary>
    public Distillation.TeacherLogits? Teacher { get; init; }
    public required IReadOnlyList<string> NewlyInitialized { get; init; }
    public JsonObject Extra { get; init; } = new();
}
