using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PpkmOnnx.Core;
using PpkmOnnx.Server.Batching;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// The one mapping from what went wrong to an HTTP answer in the API's error shape (<see cref="ApiError"/>): every
/// failure becomes an <see cref="ApiException"/> here and is answered by <see cref="Answer"/>; used by the endpoints,
/// the access middleware and the exception handler alike.
/// </summary>
internal static class ApiErrors
{
    /// <summary>
    /// What <paramref name="e"/> means for the client: itself for an <see cref="ApiException"/>, a 4xx or 503 for the
    /// request's or the server's state, and null for a bug (answered 500 by <see cref="For"/>).
    /// </summary>
    public static ApiException? Describe(Exception e) => e switch
    {
        ApiException api => api,
        BadHttpRequestException bad => new(bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request", bad.Message),
        UserInputException input => ApiException.InvalidRequest(input.Message),
        JsonException json => new(StatusCodes.Status400BadRequest, "malformed_json", $"the body is not valid JSON: {json.Message}"),
        QueueFullException full => new(StatusCodes.Status429TooManyRequests, "queue_full", full.Message, (int)Math.Ceiling(full.RetryAfter.TotalSeconds)),
        BatcherFaultedException faulted => new(StatusCodes.Status503ServiceUnavailable, "model_unavailable", faulted.Message),
        ObjectDisposedException => new(StatusCodes.Status503ServiceUnavailable, "shutting_down", "the server is shutting down.", 1),
        _ => null,
    };

    /// <summary>True for failures that describe the request or the server's load, not a bug (no error log needed).</summary>
    public static bool IsExpected(Exception e) => Describe(e) is not null;

    /// <summary>The answer for <paramref name="e"/> (500 <c>internal_error</c> for a bug); sets Retry-After where a retry can succeed.</summary>
    public static IResult For(HttpContext context, Exception e) =>
        Answer(context, Describe(e) ?? new ApiException(StatusCodes.Status500InternalServerError, "internal_error", "unexpected server error; the server log has the details."));

    /// <summary>The response for <paramref name="error"/>: its status with <c>{"error": code, "detail": detail}</c>, and Retry-After when it has one.</summary>
    public static IResult Answer(HttpContext context, ApiException error)
    {
        if (error.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Json(new ApiError(error.Code, error.Detail), statusCode: error.Status);
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
        return Answer(context, new ApiException(StatusCodes.Status401Unauthorized, "unauthorized", detail));
    }

    /// <summary>429 for a client over its <paramref name="perMinute"/> requests a minute, with Retry-After in whole seconds (at least 1).</summary>
    public static IResult RateLimited(HttpContext context, int perMinute, TimeSpan? retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds));
        return Answer(context, new ApiException(StatusCodes.Status429TooManyRequests, "rate_limited",
            $"more than {perMinute} requests a minute from this client; retry after {seconds} s.", seconds));
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
            return Answer(context, new ApiException(StatusCodes.Status404NotFound, "not_found", $"no endpoint {context.Request.Method} {context.Request.Path}."));
        context.Response.Headers.Allow = string.Join(", ", allowed);
        return Answer(context, new ApiException(StatusCodes.Status405MethodNotAllowed, "method_not_allowed",
            $"{context.Request.Path} does not accept {context.Request.Method} (allowed: {string.Join(", ", allowed)})."));
    }
}
