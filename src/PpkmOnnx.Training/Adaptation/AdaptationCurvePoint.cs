namespace PpkmOnnx.Training.Adaptation;

/// <summary>One point of the masked-LM loss curve (a line of adapt-log.jsonl).</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Epoch">The epoch the step belongs to (1-based).</param>
/// <param name="TrainLoss">Mean training loss since the previous point (null at step 0).</param>
/// <param name="HeldOutLoss">Loss on the fixed held-back sample with fixed masks (comparable across points); null without held-out texts.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="Seconds">Training seconds so far (this process and resumed ones).</param>
public sealed record AdaptationCurvePoint(long Step, int Epoch, double? TrainLoss, double? HeldOutLoss, double LearningRate, double Seconds);
