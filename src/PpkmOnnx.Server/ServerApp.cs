using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Server.Api;
using PpkmOnnx.Server.Logging;
using PpkmOnnx.Server.Metrics;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Server.Web;

namespace PpkmOnnx.Server;

/// <summary>Builds the <c>ppkm serve</c> web application.</summary>
public static class ServerApp
{
    // Every read-only endpoint answers HEAD as HTTP asks of GET resources (RFC 9110 §9.3.2): monitors and load balancers
    // probe with it. Kestrel sends the headers of the GET answer and drops its body.
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Builds (does not start) the application: endpoints, metrics, OpenAPI, limits and background model loading.
    /// </summary>
    /// <param name="options">Models, address, batching and limits.</param>
    /// <param name="configure">Extra builder configuration (tests use it to swap in a test server).</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static WebApplication Build(ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServerApp).Assembly.GetName().Name });
        builder.WebHost.UseUrls(options.Urls);
        var certificate = options.TlsCertificateFile is { } certificateFile ? TlsCertificate.Load(certificateFile, options.TlsKeyFile!) : null;
        // The slim builder leaves Kestrel's https:// address support out; it is wanted exactly when there is a certificate.
        if (certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            // Kestrel's standard HTTPS configuration: every https:// address serves this certificate.
            if (certificate is not null) k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddHostedService<ModelLoaderService>();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer(ClassifyRequestSchema.Describe));
        if (options.RateLimitPerMinute > 0) builder.Services.AddRateLimiter(limiter => ClientRateLimiting.Configure(limiter, options));
        // ASP.NET Core's own per-request lines are noise (and would name raw paths); --request-log writes ours, /metrics counts them.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The host logs a failed start ("Hosting failed to start") with its stack trace, then throws it to the caller, whose
        // error it is: ServerStartup words a bind failure as one line, and anything else reaches the caller as a bug report.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // One line per entry, so a request is one line in the journal and a grep finds it whole.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        if (!options.RequestLog) builder.Logging.AddFilter(RequestLogMiddleware.Category, LogLevel.None);
        configure?.Invoke(builder);

        var app = builder.Build();
        // Outermost (with the request log), so they record the status the exception handler finally wrote.
        app.UseMiddleware<RequestMetricsMiddleware>();
        if (options.RequestLog) app.UseMiddleware<RequestLogMiddleware>();
        // Anything unexpected still answers in the API's error shape; user mistakes never get here.
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error ?? new InvalidOperationException("unknown error");
            await ApiErrors.For(context, exception).ExecuteAsync(context);
        }));

        // Keys before the rate limiter, so a client with a key is limited by its key, not by an address it may share.
        if (options.ApiKeys is not null) app.UseMiddleware<ApiKeyMiddleware>();
        if (options.RateLimitPerMinute > 0) app.UseRateLimiter();

        app.MapMethods("/", GetAndHead, () => Results.Content(WebPage.Html, "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapPost("/v1/classify", (HttpContext context, ModelCatalog catalog, ServerOptions o) => ClassifyEndpoint.HandleAsync(context, catalog, o))
            .WithName("Classify")
            .WithSummary("Classify one text or a batch: every label with its probability, per input, most probable first.")
            .Accepts<ClassifyRequest>("application/json", "*/*")
            .Produces<ClassifyResponse>()
            .Produces<ApiError>(StatusCodes.Status400BadRequest)
            .Produces<ApiError>(StatusCodes.Status401Unauthorized)
            .Produces<ApiError>(StatusCodes.Status404NotFound)
            .Produces<ApiError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ApiError>(StatusCodes.Status429TooManyRequests)
            .Produces<ApiError>(StatusCodes.Status503ServiceUnavailable);
        app.MapMethods("/v1/models", GetAndHead, (ModelCatalog catalog) =>
                Results.Json(new ModelList(catalog.Models.Select(m => ModelDescription.From(m.Name, m.Classifier.Info)).ToList())))
            .WithName("Models")
            .WithSummary("The loaded models.")
            .Produces<ModelList>();
        app.MapMethods("/healthz", GetAndHead, () => Results.Json(new { status = "ok" })).WithName("Health").WithSummary("The process is up.");
        app.MapMethods("/readyz", GetAndHead, (ModelCatalog catalog) =>
            {
                var loaded = catalog.Models.Select(m => m.Name).ToList();
                if (catalog.IsReady) return Results.Json(new ReadinessReport("ready", loaded, catalog.LoadError));
                return Results.Json(catalog.LoadError is { } error ? new ReadinessReport("failed", loaded, error) : new ReadinessReport("loading", loaded, null),
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Ready")
            .WithSummary("Ready once every model is loaded and has run a warm-up batch.")
            .Produces<ReadinessReport>()
            .Produces<ReadinessReport>(StatusCodes.Status503ServiceUnavailable);
        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        app.MapMetrics("/metrics", metrics.Registry).ExcludeFromDescription();
        app.MapOpenApi();
        app.MapFallback(ApiErrors.NoEndpoint).ExcludeFromDescription();
        return app;
    }
}
