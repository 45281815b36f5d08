using System.Text.Json.Serialization;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// What every typed JSON record ppkm leaves beside its artifacts (training.json, export.json, quantize.json, prune.json, adapt.json) carries:
/// its schema version and the tool that wrote it. Read and written through <see cref="PpkmOnnx.Core.Checkpoints.ArtifactJson"/>
/// with <see cref="ArtifactRecordJsonContext"/>.
/// </summary>
public abstract record ArtifactRecord
{
    /// <summary>
    /// The schema version this ppkm writes. A change that old readers would misread (a field renamed, removed or retyped)
    /// bumps it; readers refuse a newer version rather than guess. Adding an optional field does not.
    /// </summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Files written before <c>schema_version</c> existed have the version-1 layout.</summary>
    public const int UnversionedSchemaVersion = 1;

    /// <summary>
    /// <c>schema_version</c>: the layout of the file (<see cref="UnversionedSchemaVersion"/> when the file has none). Settable,
    /// not init-only: the source generator fills init-only properties through the constructor, which drops this default.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public int SchemaVersion { get; set; } = UnversionedSchemaVersion;

    /// <summary><c>tool</c>: "ppkm", or null in a file that does not say.</summary>
    [JsonPropertyOrder(1)]
    public string? Tool { get; init; }

    /// <summary><c>tool_version</c>: the version (and commit) of the tool that wrote the file, or null.</summary>
    [JsonPropertyOrder(1)]
    public string? ToolVersion { get; init; }
}
