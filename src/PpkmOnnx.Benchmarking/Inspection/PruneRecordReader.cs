using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>
/// Reads prune.json (written by <c>ppkm prune</c> beside the pruned checkpoint) strictly, as the typed
/// <see cref="PruneFileRecord"/> through <see cref="ArtifactJson"/>: a required field missing or of the wrong JSON type
/// is a <see cref="UserInputException"/> naming the file and the field. The facts the report needs come from
/// <c>source</c>, <c>layers[].heads_before|heads_after</c>, <c>intermediate_size</c>, <c>parameters</c> and
/// <c>guard.status|checks[]</c> (<c>set</c>, <c>source.macro_f1</c>, <c>pruned.accuracy|macro_f1</c>, <c>macro_f1_drop</c>).
/// </summary>
public static class PruneRecordReader
{
    /// <summary>
    /// The prune.json of the checkpoint <paramref name="model"/>'s package was exported from (export.json's
    /// <c>source_checkpoint</c>, as bench recorded it), or null when the package names no checkpoint or that checkpoint
    /// was not pruned (or is not on this machine).
    /// </summary>
    public static string? Locate(ModelResult model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (TrainingRecordReader.SourceCheckpoint(model.PackageFolder, model.Export) is not { } checkpoint) return null;
        var file = System.IO.Path.Combine(checkpoint, PruneFileRecord.FileName);
        return File.Exists(file) ? file : null;
    }

    /// <summary>Reads one prune.json as the typed record (the one reader of prune.json).</summary>
    /// <exception cref="UserInputException">No such file, not JSON, a newer schema, or a required field missing or mistyped (the message names it).</exception>
    public static PruneFileRecord ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: pruning record not found.");
        return ArtifactJson.Read(path, ArtifactRecordJsonContext.Default.PruneFileRecord);
    }

    /// <summary>Reads the facts of one prune.json that the report shows.</summary>
    /// <exception cref="UserInputException">As <see cref="ReadFile"/>; also no layers, no heads before, or no FFN neurons before, or a guard check without the pruned side's accuracy.</exception>
    public static PruneRecord Read(string path)
    {
        var file = ReadFile(path);
        if (file.Layers.Count == 0) throw new UserInputException(path, "layers", "is empty.");
        var record = new PruneRecord
        {
            Path = System.IO.Path.GetFullPath(path),
            SourceCheckpoint = System.IO.Path.GetFullPath(file.Source),
            HeadsBefore = file.Layers.Sum(l => l.HeadsBefore),
            HeadsAfter = file.Layers.Sum(l => l.HeadsAfter),
            FfnBefore = file.IntermediateSize.Before,
            FfnAfter = file.IntermediateSize.After,
            ParametersBefore = file.Parameters.Before,
            ParametersAfter = file.Parameters.After,
            GuardStatus = file.Guard.Status,
            GuardChecks = file.Guard.Checks.Select((c, i) => new PruneGuardCheck(
                c.Set, c.Source.MacroF1,
                c.Pruned.Accuracy ?? throw new UserInputException(path, $"guard.checks[{i}].pruned.accuracy", "is missing."),
                c.Pruned.MacroF1, c.MacroF1Drop)).ToList(),
        };
        // Kept shares divide by these; a zero would print as NaN or ∞ instead of naming the field.
        if (record.HeadsBefore <= 0) throw new UserInputException(path, "layers", "heads_before must add up to at least one head.");
        if (record.FfnBefore <= 0) throw new UserInputException(path, "intermediate_size.before", $"must be positive, got {record.FfnBefore}.");
        return record;
    }
}
