using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>
/// Reads prune.json (written by <c>ppkm prune</c> beside the pruned checkpoint) strictly: the fields the report needs
/// must be there with the right JSON type, else a <see cref="UserInputException"/> names the file and the field.
/// Fields read: <c>source</c>, <c>layers[].heads_before</c>, <c>layers[].heads_after</c>, <c>intermediate_size.before|after</c>,
/// <c>parameters.before|after</c>, <c>guard.status</c> and <c>guard.checks[]</c> (<c>set</c>, <c>source.macro_f1</c>,
/// <c>pruned.accuracy</c>, <c>pruned.macro_f1</c>, <c>macro_f1_drop</c>).
/// </summary>
public static class PruneRecordReader
{
    /// <summary>The conventional file name.</summary>
    public const string FileName = "prune.json";

    /// <summary>
    /// The prune.json of the checkpoint <paramref name="model"/>'s package was exported from (export.json's
    /// <c>source_checkpoint</c>, as bench recorded it), or null when the package names no checkpoint or that checkpoint
    /// was not pruned (or is not on this machine).
    /// </summary>
    public static string? Locate(ModelResult model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (TrainingRecordReader.SourceCheckpoint(model.PackageFolder, model.Export) is not { } checkpoint) return null;
        var file = System.IO.Path.Combine(checkpoint, FileName);
        return File.Exists(file) ? file : null;
    }

    /// <summary>Reads one prune.json.</summary>
    /// <exception cref="UserInputException">No such file, not JSON, or a needed field missing or mistyped (the message names it).</exception>
    public static PruneRecord Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: pruning record not found.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
        if (node is not JsonObject root) throw new UserInputException($"{path}: expected a JSON object at the top level.");

        var layers = Array(root, "layers", path).Select(l => AsObject(l, path)).ToList();
        if (layers.Count == 0) throw new UserInputException(path, "layers", "is empty.");
        var intermediate = Object(root, "intermediate_size", path);
        var parameters = Object(root, "parameters", path);
        var guard = Object(root, "guard", path);
        var record = new PruneRecord
        {
            Path = System.IO.Path.GetFullPath(path),
            SourceCheckpoint = System.IO.Path.GetFullPath(Value<string>(root, "source", path)),
            HeadsBefore = layers.Sum(l => Value<int>(l, "heads_before", path)),
            HeadsAfter = layers.Sum(l => Value<int>(l, "heads_after", path)),
            FfnBefore = Value<int>(intermediate, "before", path),
            FfnAfter = Value<int>(intermediate, "after", path),
            ParametersBefore = Value<long>(parameters, "before", path),
            ParametersAfter = Value<long>(parameters, "after", path),
            GuardStatus = Value<string>(guard, "status", path),
            GuardChecks = Array(guard, "checks", path).Select(c => Check(AsObject(c, path), path)).ToList(),
        };
        // Kept shares divide by these; a zero would print as NaN or ∞ instead of naming the field.
        if (record.HeadsBefore <= 0) throw new UserInputException(path, "layers", "heads_before must add up to at least one head.");
        if (record.FfnBefore <= 0) throw new UserInputException(path, "intermediate_size.before", $"must be positive, got {record.FfnBefore}.");
        return record;
    }

    private static PruneGuardCheck Check(JsonObject check, string path) => new(
        Value<string>(check, "set", path),
        Value<double>(Object(check, "source", path), "macro_f1", path),
        Value<double>(Object(check, "pruned", path), "accuracy", path),
        Value<double>(Object(check, "pruned", path), "macro_f1", path),
        Value<double>(check, "macro_f1_drop", path));

    private static T Value<T>(JsonObject parent, string key, string path) => JsonFields.Value<T>(Field(parent, key, path), path);

    private static JsonObject Object(JsonObject parent, string key, string path) => AsObject(Field(parent, key, path), path);

    private static JsonArray Array(JsonObject parent, string key, string path) =>
        Field(parent, key, path) as JsonArray ?? throw new UserInputException(path, Name(parent, key), $"must be an array, got {parent[key]!.ToJsonString()}.");

    private static JsonObject AsObject(JsonNode? node, string path) => node as JsonObject
        ?? throw new UserInputException(path, node is null ? "(array item)" : node.GetPath().TrimStart('$').TrimStart('.'), $"must be an object, got {node?.ToJsonString() ?? "null"}.");

    private static JsonNode Field(JsonObject parent, string key, string path) =>
        parent[key] ?? throw new UserInputException(path, Name(parent, key), "is missing.");

    // The field as the user sees it in the file: "guard.checks[0].pruned.macro_f1".
    private static string Name(JsonObject parent, string key)
    {
        var prefix = parent.GetPath().TrimStart('$').TrimStart('.');
        return prefix.Length == 0 ? key : $"{prefix}.{key}";
    }
}
