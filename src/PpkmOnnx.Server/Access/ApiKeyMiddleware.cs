using Microsoft.AspNetCore.Http;
using PpkmOnnx.Server.Api;

namespace PpkmOnnx.Server.Access;

/// <summary>
/// Lets a request through when it carries <c>Authorization: Bearer KEY</c> with a key of the server's
/// <see cref="ApiKeySet"/>, or when its path is open (probes, and /metrics unless protected); otherwise answers 401
/// through <see cref="ApiErrors"/>. Only present when keys are configured.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ServerOptions options)
{
    /// <summary>The <see cref="HttpContext.Items"/> entry holding the matched key's index (the rate limiter's partition).</summary>
    public const string KeyIndexItem = "ppkm.api_key_index";

    private readonly ApiKeySet _keys = options.ApiKeys ?? throw new ArgumentException("the API key middleware needs keys.", nameof(options));

    public Task InvokeAsync(HttpContext context)
    {
        if (IsOpen(context.Request.Path, options)) return next(context);
        var header = context.Request.Headers.Authorization;
        if (header.Count == 0)
            return ApiErrors.Unauthorized(context, "missing_key").ExecuteAsync(context);
        if (header.Count > 1 || !TryGetBearerToken(header[0], out var token))
            return ApiErrors.Unauthorized(context, "invalid_request").ExecuteAsync(context);
        int index = _keys.Match(token);
        if (index < 0)
            return ApiErrors.Unauthorized(context, "invalid_token").ExecuteAsync(context);
        context.Items[KeyIndexItem] = index;
        return next(context);
    }

    /// <summary>Paths answered without a key: the probes always, /metrics unless <see cref="ServerOptions.MetricsRequireKey"/>.</summary>
    public static bool IsOpen(PathString path, ServerOptions options) =>
        IsProbe(path) || (!options.MetricsRequireKey && IsMetrics(path));

    /// <summary>/healthz or /readyz: orchestrators call them without credentials.</summary>
    public static bool IsProbe(PathString path) =>
        path.Equals("/healthz", StringComparison.OrdinalIgnoreCase) || path.Equals("/readyz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Prometheus scrape path.</summary>
    public static bool IsMetrics(PathString path) => path.Equals("/metrics", StringComparison.OrdinalIgnoreCase);

    // RFC 6750: "Bearer" (any case), one or more spaces, the token.
    private static bool TryGetBearerToken(string? value, out ReadOnlySpan<char> token)
    {
        token = default;
        if (value is null) return false;
        const string Scheme = "Bearer ";
        if (!value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        token = value.AsSpan(Scheme.Length).Trim(' ');
        return token.Length > 0;
    }
}
