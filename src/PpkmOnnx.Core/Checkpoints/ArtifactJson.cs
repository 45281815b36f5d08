using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Writes the JSON records ppkm leaves beside its artifacts (training.json, export.json, quantize.json, bench.json,
/// baseline.json, split.json, resume.json): atomically, and stamped with the tool that wrote them
/// (<c>"tool": "ppkm", "tool_version": "0.1.0+&lt;commit&gt;"</c>, see <see cref="ToolInfo"/>). Every such record goes through here.
/// </summary>
public static class ArtifactJson
{
    /// <summary>The field naming the tool.</summary>
    public const string ToolField = "tool";
    /// <summary>The field holding <see cref="ToolInfo.Version"/>.</summary>
    public const string ToolVersionField = "tool_version";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Sets the tool fields on <paramref name="record"/> (replacing any there) and returns it.</summary>
    public static JsonObject Stamp(JsonObject record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record[ToolField] = ToolInfo.Name;
        record[ToolVersionField] = ToolInfo.Version;
        return record;
    }

    /// <summary>Stamps <paramref name="record"/> and writes it to <paramref name="path"/> atomically, indented, ending in a newline.</summary>
    public static void Write(string path, JsonObject record, JsonSerializerOptions? options = null) =>
        AtomicFile.WriteAllBytes(path, ToBytes(record, options));

    /// <summary>The bytes <see cref="Write(string, JsonObject, JsonSerializerOptions?)"/> writes: stamped, indented UTF-8 ending in a newline.</summary>
    public static byte[] ToBytes(JsonObject record, JsonSerializerOptions? options = null) =>
        new System.Text.UTF8Encoding(false).GetBytes(Stamp(record).ToJsonString(options ?? Indented) + "\n");

    /// <summary>Serializes <paramref name="value"/> (an object) with <paramref name="options"/>, stamps it and writes it atomically.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> does not serialize to a JSON object.</exception>
    public static void Write<T>(string path, T value, JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(value, options) as JsonObject
            ?? throw new ArgumentException($"{typeof(T).Name} does not serialize to a JSON object.", nameof(value));
        Write(path, node, options);
    }
}
