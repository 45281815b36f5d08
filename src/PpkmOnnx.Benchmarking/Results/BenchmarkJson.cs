using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>
/// Reads and writes <c>bench.json</c> (camelCase, indented; schema in docs/bench-schema.md) through the source-generated
/// <see cref="BenchmarkJsonContext"/>. Reading is strict: a missing required field, a null where a value belongs or a
/// value of the wrong JSON type is one <see cref="UserInputException"/> naming the file and the field.
/// </summary>
public static class BenchmarkJson
{
    /// <summary>The conventional file name of a benchmark result.</summary>
    public const string FileName = "bench.json";

    /// <summary>The field holding <see cref="BenchmarkReport.SchemaVersion"/>.</summary>
    public const string SchemaVersionField = "schemaVersion";

    /// <summary>The serializer settings of bench.json (those of <see cref="BenchmarkJsonContext"/>).</summary>
    public static JsonSerializerOptions SerializerOptions => BenchmarkJsonContext.Default.Options;

    /// <summary>The JSON text of <paramref name="report"/>.</summary>
    public static string Serialize(BenchmarkReport report) => JsonSerializer.Serialize(report, BenchmarkJsonContext.Default.BenchmarkReport);

    /// <summary>Parses bench.json text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="UserInputException">
    /// Not JSON, no integer <c>schemaVersion</c> or one this reader does not know, or a required field missing, null or
    /// mistyped (the message names the field, e.g. <c>models[0].variants[0].metrics.accuracy</c>).
    /// </exception>
    public static BenchmarkReport Deserialize(string json, string sourceName = FileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        int version;
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (node is not JsonObject obj) throw new UserInputException($"{sourceName}: expected a JSON object at the top level.");
            if (obj[SchemaVersionField] is not JsonValue v || !v.TryGetValue(out version))
                throw new UserInputException($"{sourceName}: missing integer field '{SchemaVersionField}'.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{sourceName}: not valid JSON ({(e.LineNumber is { } line ? $"line {line + 1}: " : "")}{e.Message}).", e);
        }
        if (version < 1 || version > BenchmarkReport.CurrentSchemaVersion)
            throw new UserInputException($"{sourceName}: {SchemaVersionField} {version} is not supported (this reader knows 1..{BenchmarkReport.CurrentSchemaVersion}).");
        return ArtifactJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), sourceName, BenchmarkJsonContext.Default.BenchmarkReport);
    }

    /// <summary>
    /// Writes <paramref name="report"/> to <paramref name="path"/> atomically (temporary name, then rename), stamped with the
    /// tool that wrote it (<see cref="ArtifactJson.Stamp"/>: <c>tool</c>, <c>tool_version</c> after every section).
    /// </summary>
    public static void Write(BenchmarkReport report, string path)
    {
        var node = (JsonObject)JsonSerializer.SerializeToNode(report, BenchmarkJsonContext.Default.BenchmarkReport)!;
        ArtifactJson.Write(path, node, SerializerOptions);
    }

    /// <summary>Reads a bench.json file.</summary>
    /// <exception cref="UserInputException">The file does not exist, or is not a bench.json this reader understands (see <see cref="Deserialize"/>).</exception>
    public static BenchmarkReport Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: benchmark result not found.");
        return Deserialize(File.ReadAllText(path), path);
    }
}
