using System.Text.Json.Serialization;

namespace PpkmOnnx.Server.Api;

/// <summary>Source-generated System.Text.Json metadata for the request bodies the server reads.</summary>
[JsonSerializable(typeof(ClassifyRequest))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
