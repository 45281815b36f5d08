namespace PpkmOnnx.Benchmarking.Results;

/// <summary>One epoch of training.json's <c>epochs</c> array.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss"><c>trainLoss</c>, or null.</param>
/// <param name="ValidationLoss"><c>validation.loss</c>, or null.</param>
/// <param name="ValidationAccuracy"><c>validation.accuracy</c>, or null.</param>
/// <param name="ValidationMacroF1"><c>validation.macroF1</c>, or null.</param>
/// <param name="Seconds"><c>seconds</c> (epoch wall time), or null.</param>
public sealed record EpochRecord(int Epoch, double? TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double? ValidationMacroF1, double? Seconds);
