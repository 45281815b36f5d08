namespace PpkmOnnx.Server.Api;

/// <summary>The body of every error response.</summary>
/// <param name="Error">A stable machine-readable code (e.g. <c>malformed_json</c>).</param>
/// <param name="Detail">A human-readable explanation.</param>
public sealed record ApiError(string Error, string Detail);
