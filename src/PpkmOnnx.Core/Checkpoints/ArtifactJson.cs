using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Writes the JSON records ppkm leaves beside its artifacts (training.json, export.json, quantize.json, prune.json, adapt.json, bench.json,
/// baseline.json, split.json, resume.json): atomically, and stamped with the tool that wrote them
/// (<c>"tool": "ppkm", "tool_version": "0.1.0+&lt;commit&gt;"</c>, see <see cref="ToolInfo"/>). Every such record goes through here.
/// The typed records (<see cref="ArtifactRecord"/>) are also read back here, strictly: see <see cref="Read{T}(string, JsonTypeInfo{T})"/>.
/// </summary>
public static class ArtifactJson
{
    /// <summary>The field naming the tool.</summary>
    public const string ToolField = "tool";
    /// <summary>The field holding <see cref="ToolInfo.Version"/>.</summary>
    public const string ToolVersionField = "tool_version";
    /// <summary>The field holding a typed record's <see cref="ArtifactRecord.SchemaVersion"/>.</summary>
    public const string SchemaVersionField = "schema_version";

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
    public static void Write<T>(string path, T value, JsonSerializerOptions options) => AtomicFile.WriteAllBytes(path, ToBytes(value, options));

    /// <summary>The bytes <see cref="Write{T}(string, T, JsonSerializerOptions)"/> writes.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> does not serialize to a JSON object.</exception>
    public static byte[] ToBytes<T>(T value, JsonSerializerOptions options)
    {
        var node = JsonSerializer.SerializeToNode(value, options) as JsonObject
            ?? throw new ArgumentException($"{typeof(T).Name} does not serialize to a JSON object.", nameof(value));
        return ToBytes(node, options);
    }

    /// <summary>
    /// Writes the typed <paramref name="record"/> atomically: its fields as <paramref name="type"/> names them,
    /// <c>schema_version</c> set to <see cref="ArtifactRecord.CurrentSchemaVersion"/>, and the tool fields last.
    /// </summary>
    public static void Write<T>(string path, T record, JsonTypeInfo<T> type) where T : ArtifactRecord =>
        AtomicFile.WriteAllBytes(path, ToBytes(record, type));

    /// <summary>The bytes <see cref="Write{T}(string, T, JsonTypeInfo{T})"/> writes.</summary>
    public static byte[] ToBytes<T>(T record, JsonTypeInfo<T> type) where T : ArtifactRecord
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(type);
        var node = (JsonObject)JsonSerializer.SerializeToNode(record, type)!;
        node[SchemaVersionField] = ArtifactRecord.CurrentSchemaVersion;
        // Removed so that Stamp appends them after every section, stage-specific ones included, as the files always had them.
        node.Remove(ToolField);
        node.Remove(ToolVersionField);
        return ToBytes(node, type.Options);
    }

    /// <summary>
    /// Reads the typed record in <paramref name="path"/> strictly: a file without <c>schema_version</c> is version
    /// <see cref="ArtifactRecord.UnversionedSchemaVersion"/>; a newer version than this ppkm writes is refused; a required
    /// field missing, a null where a value belongs, or a value of the wrong JSON type is one message naming the file and the field.
    /// </summary>
    /// <exception cref="UserInputException">No such file, not JSON, a newer schema, or a missing or mistyped field.</exception>
    public static T Read<T>(string path, JsonTypeInfo<T> type) where T : ArtifactRecord
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: not found.");
        var bytes = File.ReadAllBytes(path);
        // A UTF-8 byte-order mark (an editor's) is not JSON; the text after it is.
        int start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        return Parse(bytes.AsMemory(start), path, type);
    }

    /// <summary>The record in <paramref name="path"/> as <see cref="Read{T}(string, JsonTypeInfo{T})"/> reads it, or null when there is no such file.</summary>
    /// <exception cref="UserInputException">The file exists but is not such a record.</exception>
    public static T? ReadOptional<T>(string path, JsonTypeInfo<T> type) where T : ArtifactRecord =>
        File.Exists(path) ? Read(path, type) : null;

    /// <summary>Parses record text (<paramref name="source"/> names it in messages) as <see cref="Read{T}(string, JsonTypeInfo{T})"/> does.</summary>
    /// <exception cref="UserInputException">Not JSON, a newer schema, or a missing or mistyped field.</exception>
    public static T Parse<T>(ReadOnlyMemory<byte> json, string source, JsonTypeInfo<T> type) where T : ArtifactRecord
    {
        ArgumentNullException.ThrowIfNull(type);
        RequireKnownVersion(json, source);
        return Deserialize(json, source, type);
    }

    /// <summary>
    /// Deserializes <paramref name="json"/> (<paramref name="source"/> names it in messages) with a strict source-generated
    /// <paramref name="type"/>, without a version check: the one place a record's <see cref="JsonException"/> becomes a
    /// message naming the file and the field (<c>path: epochs[0].seconds: must be a number, got "x".</c>). For files with
    /// their own version field (bench.json's camelCase <c>schemaVersion</c>), checked by their reader first.
    /// </summary>
    /// <exception cref="UserInputException">Not JSON, null, or a missing, null or mistyped field the contract forbids, or a null element of a list or map.</exception>
    public static T Deserialize<T>(ReadOnlyMemory<byte> json, string source, JsonTypeInfo<T> type) where T : class
    {
        ArgumentNullException.ThrowIfNull(type);
        T record;
        try
        {
            record = JsonSerializer.Deserialize(json.Span, type) ?? throw new UserInputException($"{source}: expected a JSON object, got null.");
        }
        catch (JsonException e)
        {
            throw RecordFieldError.From(e, json, source, type);
        }
        // The serializer lets a null element through (see RecordNullElements); refused in the words of a null field.
        if (RecordNullElements.Find(json, type) is { } element) throw new UserInputException(source, element, "must not be null.");
        return record;
    }

    private static void RequireKnownVersion(ReadOnlyMemory<byte> json, string source)
    {
        using var document = ParseDocument(json, source);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new UserInputException($"{source}: expected a JSON object at the top level.");
        if (!document.RootElement.TryGetProperty(SchemaVersionField, out var version)) return;
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v < 1)
            throw new UserInputException(source, SchemaVersionField, $"must be a positive integer, got {version.GetRawText()}.");
        if (v > ArtifactRecord.CurrentSchemaVersion)
            throw new UserInputException(source, SchemaVersionField,
                $"is {v}, newer than this ppkm reads (up to {ArtifactRecord.CurrentSchemaVersion}); use the ppkm version that wrote it, or a newer one.");
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> json, string source)
    {
        try { return JsonDocument.Parse(json); }
        catch (JsonException e) { throw new UserInputException($"{source}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
    }
}
