using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PpkmOnnx.Core;
using PpkmOnnx.Server.Batching;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// The one mapping from what went wrong to an HTTP answer in the API's error shape (<see cref="ApiError"/>): used by the
/// endpoints for expected failures and by the exception handler for everything else.
/// </summary>
internal static class ApiErrors
{
    /// <summary>An error answer: <paramref name="status"/> with <c>{"error": code, "detail": detail}</c>.</summary>
    public static IResult Error(int status, string code, string detail) => Results.Json(new ApiError(code, detail), statusCode: status);

    /// <summary>True for failures that describe the request or the server's load, not a bug (no error log needed).</summary>
    public static bool IsExpected(Exception e) =>
        e is BadHttpRequestException or UserInputException or JsonException or QueueFullException or ObjectDisposedException or BatcherFaultedException;

    /// <summary>The answer for <paramref name="e"/>; sets Retry-After where a retry can succeed.</summary>
    public static IResult For(HttpContext context, Exception e)
    {
        switch (e)
        {
            case BadHttpRequestException bad:
                return Error(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request", bad.Message);
            case UserInputException input:
                return Error(StatusCodes.Status400BadRequest, "invalid_request", input.Message);
            case JsonException json:
                return Error(StatusCodes.Status400BadRequest, "malformed_json", $"the body is not valid JSON: {json.Message}");
            case QueueFullException full:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Error(StatusCodes.Status429TooManyRequests, "queue_full", full.Message);
            case BatcherFaultedException faulted:
                return Error(StatusCodes.Status503ServiceUnavailable, "model_unavailable", faulted.Message);
            case ObjectDisposedException:
                context.Response.Headers.RetryAfter = "1";
                return Error(StatusCodes.Status503ServiceUnavailable, "shutting_down", "the server is shutting down.");
            default:
                return Error(StatusCodes.Status500InternalServerError, "internal_error", "unexpected server error; the server log has the details.");
        }
    }

    /// <summary>
    /// 401 for a request without a valid API key, with <c>WWW-Authenticate: Bearer</c> (RFC 6750; <paramref name="reason"/>
    /// <c>invalid_token</c> or <c>invalid_request</c> becomes its <c>error</c> parameter). The detail never repeats what was sent.
    /// </summary>
    public static IResult Unauthorized(HttpContext context, string reason)
    {
        context.Response.Headers.WWWAuthenticate = reason == "missing_key" ? "Bearer" : $"Bearer error=\"{reason}\"";
        var detail = reason switch
        {
            "missing_key" => "this server needs an API key: send Authorization: Bearer KEY.",
            "invalid_request" => "the Authorization header must be one 'Bearer KEY'.",
            _ => "the API key is not valid.",
        };
        return Error(StatusCodes.Status401Unauthorized, "unauthorized", detail);
    }

    /// <summary>429 for a client over its <paramref name="perMinute"/> requests a minute, with Retry-After in whole seconds (at least 1).</summary>
    public static IResult RateLimited(HttpContext context, int perMinute, TimeSpan? retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Error(StatusCodes.Status429TooManyRequests, "rate_limited",
            $"more than {perMinute} requests a minute from this client; retry after {seconds} s.");
    }

    /// <summary>
    /// The answer for a request no endpoint matched: 405 with <c>Allow</c> when the path exists for other methods,
    /// else 404.
    /// </summary>
    public static IResult NoEndpoint(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        var allowed = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => string.Equals("/" + e.RoutePattern.RawText?.Trim('/'), path.Length == 0 ? "/" : path, StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (allowed.Count == 0)
            return Error(StatusCodes.Status404NotFound, "not_found", $"no endpoint {context.Request.Method} {context.Request.Path}.");
        context.Response.Headers.Allow = string.Join(", ", allowed);
        return Error(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
            $"{context.Request.Path} does not accept {context.Request.Method} (allowed: {string.Join(", ", allowed)}).");
    }
}
