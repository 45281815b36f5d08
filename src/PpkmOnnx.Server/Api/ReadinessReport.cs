namespace PpkmOnnx.Server.Api;

/// <summary>GET /readyz answer.</summary>
/// <param name="Status"><c>ready</c>, <c>loading</c> or <c>failed</c>.</param>
/// <param name="Models">Models loaded so far.</param>
/// <param name="Detail">Why loading failed, when it did (with --allow-partial, also when ready: the models that failed).</param>
public sealed record ReadinessReport(string Status, IReadOnlyList<string> Models, string? Detail);
