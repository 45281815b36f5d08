using System.Text.Json;

namespace PpkmOnnx.Server.Api;

/// <summary>POST /v1/classify body (documentation shape; the endpoint parses the JSON itself to answer 400 precisely).</summary>
/// <param name="Inputs">One text or an array of texts.</param>
/// <param name="Model">Model name; the first served model when absent.</param>
public sealed record ClassifyRequest(JsonElement Inputs, string? Model);
