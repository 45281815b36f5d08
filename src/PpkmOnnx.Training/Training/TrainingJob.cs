using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>Computes the training loss of one batch from the student's logits.</summary>
/// <param name="logits">Model output <c>[batch, classes]</c>.</param>
/// <param name="labels">Gold class ids, int64 <c>[batch]</c>.</param>
/// <param name="inputIds">The batch's token ids (a teacher needs them).</param>
/// <param name="attentionMask">The batch's mask.</param>
/// <param name="tokenTypeIds">The batch's segment ids.</param>
/// <param name="classWeights">Cross-entropy class weights, or null.</param>
internal delegate Tensor BatchLoss(Tensor logits, Tensor labels, Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor? classWeights);

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
    public required IReadOnlyList<string> NewlyInitialized { get; init; }
    public JsonObject Extra { get; init; } = new();
}
