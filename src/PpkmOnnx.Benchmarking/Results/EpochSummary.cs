namespace PpkmOnnx.Benchmarking.Results;

/// <summary>
/// One epoch as bench.json carries it: the curve points of training.json's epoch record
/// (<see cref="PpkmOnnx.Core.Packaging.Records.EpochRecord"/>), flattened. A summary, not a second record of an epoch:
/// bench.json keeps this shape (nullable, so bench.json files written from older, leniently read records still read).
/// </summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss"><c>trainLoss</c>, or null.</param>
/// <param name="ValidationLoss"><c>validationLoss</c>, or null.</param>
/// <param name="ValidationAccuracy"><c>validationAccuracy</c>, or null.</param>
/// <param name="ValidationMacroF1"><c>validationMacroF1</c>, or null.</param>
/// <param name="Seconds"><c>seconds</c> (epoch wall time), or null.</param>
public sealed record EpochSummary(int Epoch, double? TrainLoss, double? ValidationLoss, double? ValidationAccuracy, double? ValidationMacroF1, double? Seconds);
