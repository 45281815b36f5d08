using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>Reads and writes <c>bench.json</c> (camelCase, indented; schema in docs/bench-schema.md).</summary>
public static class BenchmarkJson
{
    /// <summary>The conventional file name of a benchmark result.</summary>
    public const string FileName = "bench.json";

    /// <summary>The serializer settings of bench.json.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The JSON text of <paramref name="report"/>.</summary>
    public static string Serialize(BenchmarkReport report) => JsonSerializer.Serialize(report, SerializerOptions);

    /// <summary>Parses bench.json text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="UserInputException">Not JSON, a required field missing, or a schema version this reader does not know.</exception>
    public static BenchmarkReport Deserialize(string json, string sourceName = "bench.json")
    {
        int version;
        try
        {
            var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (node is not JsonObject obj) throw new UserInputException($"{sourceName}: expected a JSON object at the top level.");
            if (obj["schemaVersion"] is not JsonValue v || !v.TryGetValue(out version))
                throw new UserInputException($"{sourceName}: missing integer field 'schemaVersion'.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{sourceName}: not valid JSON ({Where(e)}{e.Message}).", e);
        }
        if (version < 1 || version > BenchmarkReport.CurrentSchemaVersion)
            throw new UserInputException($"{sourceName}: schemaVersion {version} is not supported (this reader knows 1..{BenchmarkReport.CurrentSchemaVersion}).");
        try
        {
            return JsonSerializer.Deserialize<BenchmarkReport>(json, SerializerOptions)
                ?? throw new UserInputException($"{sourceName}: the document is null.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{sourceName}: {Where(e)}{e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> atomically (temporary name, then rename).</summary>
    public static void Write(BenchmarkReport report, string path) => ArtifactJson.Write(path, report, SerializerOptions);

    /// <summary>Reads a bench.json file.</summary>
    /// <exception cref="UserInputException">The file does not exist.</exception>
    /// <exception cref="UserInputException">The file is not a bench.json this reader understands.</exception>
    public static BenchmarkReport Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: benchmark result not found.");
        return Deserialize(File.ReadAllText(path), path);
    }

    private static string Where(JsonException e) => e.LineNumber is { } line ? $"line {line + 1}: " : "";
}
