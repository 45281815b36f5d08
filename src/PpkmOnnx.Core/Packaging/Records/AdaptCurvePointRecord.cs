namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One point of a masked-LM adaptation's loss curve: an entry of adapt.json <c>curve</c> and a line of adapt-log.jsonl.</summary>
/// <param name="Step"><c>step</c>: optimizer steps done.</param>
/// <param name="Epoch"><c>epoch</c>: the epoch the step belongs to (1-based).</param>
/// <param name="TrainLoss"><c>train_loss</c>: mean training loss since the previous point (null at step 0).</param>
/// <param name="HeldOutLoss"><c>held_out_loss</c>: loss on the fixed held-back sample with fixed masks (comparable across points); null without held-out texts.</param>
/// <param name="LearningRate"><c>learning_rate</c>: learning rate of the last step.</param>
/// <param name="Seconds"><c>seconds</c>: training seconds so far (this process and resumed ones).</param>
public sealed record AdaptCurvePointRecord(long Step, int Epoch, double? TrainLoss, double? HeldOutLoss, double LearningRate, double Seconds);
