using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Training.Training;

/// <summary>What <c>resume/resume.json</c> records after every epoch so an interrupted run can continue.</summary>
internal sealed record ResumeState
{
    public required string Stage { get; init; }
    public required string DataFingerprint { get; init; }
    public required int CompletedEpochs { get; init; }
    public required long GlobalStep { get; init; }
    public required int BestEpoch { get; init; }
    public required double BestMacroF1 { get; init; }
    public required int EpochsWithoutImprovement { get; init; }
    public required string WeightsFile { get; init; }
    public required string OptimizerFile { get; init; }
    public required List<EpochRecord> Epochs { get; init; }
    // Absent in resume points written before the choice existed; those runs trained the embeddings.
    public bool FreezeEmbeddings { get; init; }
}
