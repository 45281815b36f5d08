using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Benchmarking.Results;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>
/// Reads training.json (written by <c>ppkm train</c>) for bench.json, through the one strict reader of training records
/// (<see cref="ModelPackage.ReadTrainingRecord"/>): a missing required field or a mistyped one is an error naming the file
/// and the field. Kept for bench.json: <c>trainable_parameters</c>, <c>wall_seconds</c>, <c>hyperparameters</c>, <c>test</c>,
/// and per epoch <c>epoch</c>, <c>train_loss</c>, <c>validation_loss</c>, <c>seconds</c>, <c>validation.accuracy</c>, <c>validation.macro_f1</c>.
/// </summary>
public static class TrainingRecordReader
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = ModelPackage.TrainingRecordFile;

    /// <summary>The key of export.json (written by <c>ppkm export</c>) that names the source checkpoint folder.</summary>
    public const string ExportCheckpointKey = "source_checkpoint";

    /// <summary>Reads one training.json.</summary>
    /// <exception cref="UserInputException">No such file, not JSON, or a missing or mistyped field (the message names it).</exception>
    public static TrainingSummary Read(string path)
    {
        var record = ModelPackage.ReadTrainingRecord(path);
        var json = ArtifactRecordJsonContext.Default;
        return new TrainingSummary
        {
            SourcePath = Path.GetFullPath(path),
            TrainableParameters = record.TrainableParameters,
            TrainingSeconds = record.WallSeconds,
            Hyperparameters = JsonSerializer.SerializeToNode(record.Hyperparameters, json.TrainingHyperparametersRecord),
            Epochs = record.Epochs.Select(e => new EpochSummary(e.Epoch, e.TrainLoss, e.ValidationLoss, e.Validation.Accuracy, e.Validation.MacroF1, e.Seconds)).ToList(),
            Test = record.Test is null ? null : JsonSerializer.SerializeToNode(record.Test, json.ClassificationMetrics),
        };
    }

    /// <summary>
    /// Finds the training.json of a package: <paramref name="explicitPath"/> when given (a file or a folder holding
    /// one), else training.json in the package, else the one in the checkpoint that export.json names
    /// (<see cref="ExportCheckpointKey"/>; relative paths are taken from the package folder). Null when none exists.
    /// </summary>
    /// <exception cref="UserInputException">An explicit path that holds no training.json.</exception>
    public static string? Locate(string packageFolder, JsonNode? exportReport, string? explicitPath)
    {
        if (explicitPath is not null)
        {
            var candidate = Directory.Exists(explicitPath) ? Path.Combine(explicitPath, FileName) : explicitPath;
            return File.Exists(candidate) ? candidate : throw new UserInputException($"{explicitPath}: no training.json there.");
        }
        var inPackage = Path.Combine(packageFolder, FileName);
        if (File.Exists(inPackage)) return inPackage;
        if (SourceCheckpoint(packageFolder, exportReport) is not { } checkpoint) return null;
        var file = Path.Combine(checkpoint, FileName);
        return File.Exists(file) ? file : null;
    }

    /// <summary>
    /// The full path of the checkpoint folder export.json names (<see cref="ExportCheckpointKey"/>; a relative path is
    /// taken from <paramref name="packageFolder"/>), or null when the record names none. The folder need not exist.
    /// </summary>
    /// <exception cref="UserInputException"><c>source_checkpoint</c> is there but not a string.</exception>
    public static string? SourceCheckpoint(string packageFolder, JsonNode? exportReport)
    {
        if (exportReport is not JsonObject export) return null;
        // bench.json carries export.json as it was; a source_checkpoint that is there must be a string.
        var named = JsonFields.ValueOr<string?>(export[ExportCheckpointKey], Path.Combine(packageFolder, ModelPackageLayout.ExportReportFile), null);
        if (string.IsNullOrWhiteSpace(named)) return null;
        return Path.IsPathRooted(named) ? Path.GetFullPath(named) : Path.GetFullPath(Path.Combine(packageFolder, named));
    }
}
