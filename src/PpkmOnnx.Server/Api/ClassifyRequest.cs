using System.Text.Json.Serialization;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// POST /v1/classify body: <c>{"inputs": "text"}</c> or <c>{"inputs": ["t1", "t2"]}</c>, optionally with
/// <c>"model"</c>. Read by <see cref="ClassifyRequestConverter"/>, which answers every malformed body with a precise 400.
/// </summary>
/// <param name="Inputs">The texts, in order (one text when the body gave a single string).</param>
/// <param name="Model">Model name; the first served model when absent.</param>
[JsonConverter(typeof(ClassifyRequestConverter))]
public sealed record ClassifyRequest(IReadOnlyList<string> Inputs, string? Model);
