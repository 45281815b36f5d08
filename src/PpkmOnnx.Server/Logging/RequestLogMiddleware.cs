using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PpkmOnnx.Server.Metrics;

namespace PpkmOnnx.Server.Logging;

/// <summary>
/// <c>--request-log on</c>: one JSON line per request in the log, category <see cref="Category"/>:
/// <c>{"method","route","status","latency_ms","model","texts"}</c>. Method and route are the bounded labels of
/// <see cref="RequestLabels"/>; nothing a client sent verbatim (texts, keys, paths, headers) is written.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    /// <summary>The log category of request lines.</summary>
    public const string Category = "ppkm.requests";

    private static readonly EventId RequestEvent = new(1, "request");
    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var details = new RequestLogDetails();
        context.Features.Set(details);
        try
        {
            await next(context);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var elapsed = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3);
                // Named fields for structured log providers; the message is the same record as one JSON line.
                KeyValuePair<string, object?>[] fields =
                [
                    new("method", RequestLabels.Method(context)),
                    new("route", RequestLabels.Route(context)),
                    new("status", context.Response.StatusCode),
                    new("latency_ms", elapsed),
                    new("model", details.Model),
                    new("texts", details.Texts),
                ];
                _logger.Log(LogLevel.Information, RequestEvent, fields, null, static (f, _) => ToJson(f));
            }
        }
    }

    private static string ToJson(KeyValuePair<string, object?>[] fields)
    {
        var buffer = new ArrayBufferWriter<byte>(160);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                switch (value)
                {
                    case null: json.WriteNull(name); break;
                    case string s: json.WriteString(name, s); break;
                    case int i: json.WriteNumber(name, i); break;
                    case double d: json.WriteNumber(name, d); break;
                    default: json.WriteString(name, value.ToString()); break;
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
