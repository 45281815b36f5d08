namespace PpkmOnnx.Server.Api;

/// <summary>GET /v1/models answer.</summary>
/// <param name="Models">Loaded models in configured order.</param>
public sealed record ModelList(IReadOnlyList<ModelDescription> Models);
