using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace PpkmOnnx.Server.Metrics;

/// <summary>Counts every request by route template, method and status (labels from <see cref="RequestLabels"/>), and times it.</summary>
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
            var route = RequestLabels.Route(context);
            metrics.Requests.WithLabels(route, RequestLabels.Method(context), context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            metrics.RequestDuration.WithLabels(route).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
}
