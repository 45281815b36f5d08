using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PpkmOnnx.Server.Metrics;

/// <summary>Counts every request by route template and status, and times it.</summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            if (!route.StartsWith('/')) route = "/" + route;
            metrics.Requests.WithLabels(route, context.Request.Method, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            metrics.RequestDuration.WithLabels(route).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
