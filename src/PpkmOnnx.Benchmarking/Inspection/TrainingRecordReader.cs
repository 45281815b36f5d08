using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Results;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>
/// Reads training.json (written by <c>ppkm train</c>) leniently: every field is optional and a missing or
/// mistyped one becomes null. Fields read (the trainer's names): <c>trainable_parameters</c>, <c>wall_seconds</c>,
/// <c>hyperparameters</c>, <c>test</c>, and <c>epochs[]</c> with <c>epoch</c>, <c>train_loss</c>, <c>validation_loss</c>,
/// <c>seconds</c>, <c>validation.accuracy</c>, <c>validation.macro_f1</c>.
/// </summary>
public static class TrainingRecordReader
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "training.json";

    /// <summary>The key of export.json (written by <c>ppkm export</c>) that names the source checkpoint folder.</summary>
    public const string ExportCheckpointKey = "source_checkpoint";

    /// <summary>Reads one training.json.</summary>
    /// <exception cref="UserInputException">No such file.</exception>
    /// <exception cref="UserInputException">The file is not a JSON object.</exception>
    public static TrainingSummary Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: training record not found.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
        if (node is not JsonObject root) throw new UserInputException($"{path}: expected a JSON object at the top level.");
        var epochs = new List<EpochRecord>();
        if (root["epochs"] is JsonArray array)
        {
            int index = 0;
            foreach (var item in array)
            {
                index++;
                if (item is not JsonObject e) continue;
                var validation = e["validation"] as JsonObject;
                epochs.Add(new EpochRecord(
                    (int?)Number(e["epoch"]) ?? index,
                    Number(e["train_loss"]),
                    Number(e["validation_loss"]),
                    Number(validation?["accuracy"]),
                    Number(validation?["macro_f1"]),
                    Number(e["seconds"])));
            }
        }
        return new TrainingSummary
        {
            SourcePath = Path.GetFullPath(path),
            TrainableParameters = Number(root["trainable_parameters"]) is { } p ? (long)p : null,
            TrainingSeconds = Number(root["wall_seconds"]),
            Hyperparameters = root["hyperparameters"]?.DeepClone(),
            Epochs = epochs,
            Test = root["test"]?.DeepClone(),
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
    public static string? SourceCheckpoint(string packageFolder, JsonNode? exportReport)
    {
        if (exportReport is not JsonObject export) return null;
        if (export[ExportCheckpointKey] is not JsonValue value || !value.TryGetValue<string>(out var named) || string.IsNullOrWhiteSpace(named)) return null;
        return Path.IsPathRooted(named) ? Path.GetFullPath(named) : Path.GetFullPath(Path.Combine(packageFolder, named));
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;
}
