namespace PpkmOnnx.Server.Api;

/// <summary>
/// A request the API answers with an error: the HTTP status, the stable code and the detail of the
/// <see cref="ApiError"/> body. Thrown by the request reader and the endpoints; <see cref="ApiErrors"/> turns it (and
/// every other failure) into the response in one place.
/// </summary>
internal sealed class ApiException(int status, string code, string detail, int? retryAfterSeconds = null) : Exception(detail)
{
    /// <summary>The HTTP status code (4xx for the client's mistakes, 5xx for the server's state).</summary>
    public int Status { get; } = status;

    /// <summary>The stable machine-readable code (e.g. <c>malformed_json</c>).</summary>
    public string Code { get; } = code;

    /// <summary>The human-readable explanation (also the exception message).</summary>
    public string Detail { get; } = detail;

    /// <summary>Seconds for a <c>Retry-After</c> header where a retry can succeed; null for none.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    /// <summary>A 400 <c>invalid_request</c>: the body's shape is wrong.</summary>
    public static ApiException InvalidRequest(string detail) => new(400, "invalid_request", detail);
}
