using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using PpkmOnnx.Server.Api;

namespace PpkmOnnx.Server.Access;

/// <summary>
/// <c>--rate-limit-per-minute N</c>: ASP.NET Core's rate limiter with one fixed one-minute window of N requests per client,
/// a client being its API key when keys are on (so clients behind one proxy address do not share a budget) and its
/// remote address otherwise. Probes and /metrics are never limited: a monitoring system must see an overloaded server.
/// </summary>
internal static class ClientRateLimiting
{
    /// <summary>Configures <paramref name="limiter"/> for <see cref="ServerOptions.RateLimitPerMinute"/> (above 0).</summary>
    public static void Configure(RateLimiterOptions limiter, ServerOptions options)
    {
        int perMinute = options.RateLimitPerMinute;
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            IsExempt(context.Request.Path)
                ? RateLimitPartition.GetNoLimiter("exempt")
                : RateLimitPartition.GetFixedWindowLimiter(ClientOf(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        limiter.OnRejected = (rejected, _) =>
        {
            TimeSpan? retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null;
            return new ValueTask(ApiErrors.RateLimited(rejected.HttpContext, perMinute, retryAfter).ExecuteAsync(rejected.HttpContext));
        };
    }

    /// <summary>The client a request counts against: <c>key:INDEX</c> (never the key) or <c>ip:ADDRESS</c>.</summary>
    public static string ClientOf(HttpContext context) =>
        context.Items.TryGetValue(ApiKeyMiddleware.KeyIndexItem, out var index) && index is int i
            ? $"key:{i}"
            : $"ip:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";

    private static bool IsExempt(PathString path) => ApiKeyMiddleware.IsProbe(path) || ApiKeyMiddleware.IsMetrics(path);
}
