using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PpkmOnnx.Server.Metrics;

/// <summary>
/// The method and route a request is counted and logged under, from fixed sets: every request a client can invent
/// (any method token, any path) lands on one of them, so /metrics cannot be grown by random requests.
/// </summary>
internal static class RequestLabels
{
    /// <summary>The label of a method outside the standard ones.</summary>
    public const string OtherMethod = "other";

    /// <summary>The label of a path no endpoint of ours matched (the 404/405 fallback).</summary>
    public const string UnmatchedRoute = "unmatched";

    // HTTP methods are case-sensitive (RFC 9110), so "get" is not GET and counts as other.
    private static readonly string[] StandardMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>The request's method when standard, else <see cref="OtherMethod"/>.</summary>
    public static string Method(HttpContext context)
    {
        var method = context.Request.Method;
        foreach (var known in StandardMethods)
            if (string.Equals(method, known, StringComparison.Ordinal)) return known;
        return OtherMethod;
    }

    /// <summary>
    /// The matched endpoint's route template (e.g. <c>/v1/classify</c>), or <see cref="UnmatchedRoute"/> when nothing
    /// matched or only the catch-all fallback did.
    /// </summary>
    public static string Route(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint || endpoint.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            return UnmatchedRoute;
        var route = endpoint.RoutePattern.RawText ?? UnmatchedRoute;
        return route.StartsWith('/') ? route : "/" + route;
    }
}
