using System.CommandLine;
using Microsoft.Extensions.Hosting;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Server.CommandLine;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server;

/// <summary>
/// The serving command line, shared by <c>ppkm serve</c> and the lean <c>ppkm-serve</c> executable so that both take
/// exactly the same arguments and options.
/// </summary>
public static class ServeCommandLine
{
    /// <summary>The one-line description of the command.</summary>
    public const string Description = "Serve model packages over HTTP: POST /v1/classify, GET /v1/models, /healthz, /readyz, /metrics, /openapi/v1.json and a web page at /.";

    /// <summary>Adds the serving argument, options and action to <paramref name="command"/> (a subcommand or a root command).</summary>
    /// <exception cref="UserInputException">
    /// Thrown by the action when nothing is given to serve, a folder is a training checkpoint or not a model package, a model
    /// cannot be loaded (see <see cref="ServerStartup"/>), an address cannot be bound, or an API key file or TLS certificate is
    /// missing or unusable.
    /// </exception>
    public static T Configure<T>(T command) where T : Command
    {
        ArgumentNullException.ThrowIfNull(command);
        var package = new Argument<string?>("package") { Description = "A model package to serve (named after its folder); optional when --model or --config is given.", Arity = ArgumentArity.ZeroOrOne };
        var models = new Option<string[]>("--model", "-m") { Description = "A model to serve as name=path[:variant] (fp32, int8, int8-static, fp16); repeatable.", AllowMultipleArgumentsPerToken = false };
        var config = new Option<string?>("--config") { Description = "A models.json: {\"models\": [{\"name\", \"path\", \"variant\"}]}." };
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://127.0.0.1:<port>)." };
        var port = new Option<int>("--port") { Description = "Loopback port when --urls is not given.", DefaultValueFactory = _ => 8080 }.InRange(0, 65535);
        var provider = new Option<string>("--provider") { Description = "Execution provider: auto, cuda or cpu.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads per run (0: 1 when --parallel-runs is above 1, else ONNX Runtime's choice)." }.InRange(0, OptionRules.MaxThreads);
        var parallelRuns = new Option<int>("--parallel-runs") { Description = "Micro-batches of a batch run at once, one thread each (0: one per processor; 1 with --threads 0 for lowest single-request latency on big CPUs)." }.InRange(0, OptionRules.MaxThreads);
        var cache = new Option<string?>("--optimized-cache") { Description = "Folder for optimized-model cache files." };
        var maxBatch = new Option<int>("--max-batch-size") { Description = "Most texts per session run.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var maxTokens = new Option<int>("--max-batch-tokens") { Description = "Token budget of a batch: real tokens gathered from requests, and padded tokens per session run it is cut into.", DefaultValueFactory = _ => 8192 }.InRange(2, 1 << 20);
        var delay = new Option<double>("--max-queue-delay-ms") { Description = "Longest a request waits for others to share its batch.", DefaultValueFactory = _ => 5 }.InRange(0.0, 10_000.0);
        var concurrent = new Option<int>("--concurrent-batches") { Description = "Batches per model run at once (model instances on one session); pair with --threads = cores / N.", DefaultValueFactory = _ => 1 }.InRange(1, 64);
        var queue = new Option<int>("--max-queued-texts") { Description = "Texts waiting per model before answering 429.", DefaultValueFactory = _ => 1024 }.InRange(1, 1 << 20);
        var maxTexts = new Option<int>("--max-texts") { Description = "Most texts per request.", DefaultValueFactory = _ => 64 }.InRange(1, 4096);
        var maxChars = new Option<int>("--max-chars") { Description = "Most characters per text.", DefaultValueFactory = _ => 2000 }.InRange(1, 1_000_000);
        var maxBody = new Option<long>("--max-body-bytes") { Description = "Largest request body.", DefaultValueFactory = _ => 1_000_000 }.InRange(16L, 1L << 30);
        var allowPartial = new Option<bool>("--allow-partial") { Description = "Serve the models that load when others cannot (named in /readyz and the log); otherwise the first that cannot load stops the server (exit 2)." };
        var shutdown = new ShutdownTimeoutOption(defaultSeconds: 30);
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = $"API keys, one per line (blank lines and #comments ignored); requests then need Authorization: Bearer KEY, except /healthz, /readyz and /metrics. Also {ApiKeySet.EnvironmentVariable} (comma-separated)." };
        var metricsRequireKey = new Option<bool>("--metrics-require-key") { Description = "/metrics needs an API key too (it is open by default, like the probes)." };
        var rateLimit = new Option<int>("--rate-limit-per-minute") { Description = "Requests per minute per client (its API key, else its address) before 429; 0: no limit." }.InRange(0, ServerOptions.MaxRateLimitPerMinute);
        var requestLog = new Option<string>("--request-log") { Description = "One JSON line per request in the log (method, route, status, latency, model, text count; never texts or keys): on or off.", DefaultValueFactory = _ => "off" };
        requestLog.AcceptOnlyFromAmong("on", "off");
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate (chain) for HTTPS, with --tls-key; the default address becomes https://127.0.0.1:<port>." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert." };

        command.Arguments.Add(package);
        foreach (var option in new Option[] { models, config, urls, port, provider, threads, parallelRuns, cache, maxBatch, maxTokens, delay, concurrent, queue, maxTexts, maxChars, maxBody, allowPartial, shutdown, apiKeyFile, metricsRequireKey, rateLimit, requestLog, tlsCert, tlsKey })
            command.Options.Add(option);
        // The library settings whose flag is not their name in kebab case.
        SettingFlags.Bind(command, nameof(ServerOptions.Models), models);
        SettingFlags.Bind(command, nameof(ServerOptions.TlsCertificateFile), tlsCert);
        SettingFlags.Bind(command, nameof(ServerOptions.TlsKeyFile), tlsKey);
        SettingFlags.Bind(command, nameof(ServerOptions.ApiKeys), apiKeyFile);
        SettingFlags.Bind(command, nameof(ServerOptions.Urls), urls, port);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var registrations = new List<ModelRegistration>();
            if (parseResult.GetValue(package) is { } p) registrations.Add(ModelRegistration.Parse(p));
            foreach (var spec in parseResult.GetValue(models) ?? []) registrations.Add(ModelRegistration.Parse(spec));
            if (parseResult.GetValue(config) is { } c) registrations.AddRange(ModelRegistration.LoadFile(c));
            if (registrations.Count == 0) throw new UserInputException("nothing to serve: give a model package, --model name=path[:variant] or --config models.json.");
            // Before anything listens: a wrong folder (a training checkpoint, say) is one line and exit 2, not a failed /readyz later.
            foreach (var r in registrations) ModelPackageLayout.RequirePackage(r.PackagePath);

            var certificateFile = parseResult.GetValue(tlsCert);
            var options = new ServerOptions
            {
                Models = registrations,
                Urls = parseResult.GetValue(urls) ?? $"{(certificateFile is null ? "http" : "https")}://127.0.0.1:{parseResult.GetValue(port)}",
                ExecutionProvider = ProviderArgument.Parse(parseResult.GetValue(provider)!),
                IntraOpThreads = parseResult.GetValue(threads),
                ParallelRuns = parseResult.GetValue(parallelRuns),
                OptimizedModelCacheFolder = parseResult.GetValue(cache),
                MaxBatchSize = parseResult.GetValue(maxBatch),
                MaxBatchTokens = parseResult.GetValue(maxTokens),
                MaxQueueDelay = TimeSpan.FromMilliseconds(parseResult.GetValue(delay)),
                ConcurrentBatches = parseResult.GetValue(concurrent),
                MaxQueuedTexts = parseResult.GetValue(queue),
                MaxTextsPerRequest = parseResult.GetValue(maxTexts),
                MaxCharactersPerText = parseResult.GetValue(maxChars),
                MaxRequestBodyBytes = parseResult.GetValue(maxBody),
                AllowPartial = parseResult.GetValue(allowPartial),
                ShutdownTimeout = TimeSpan.FromSeconds(parseResult.GetValue(shutdown)),
                ApiKeys = ApiKeySet.Load(parseResult.GetValue(apiKeyFile), Environment.GetEnvironmentVariable(ApiKeySet.EnvironmentVariable)),
                MetricsRequireKey = parseResult.GetValue(metricsRequireKey),
                RateLimitPerMinute = parseResult.GetValue(rateLimit),
                RequestLog = parseResult.GetValue(requestLog) == "on",
                TlsCertificateFile = certificateFile,
                TlsKeyFile = parseResult.GetValue(tlsKey),
            };
            await using var app = ServerApp.Build(options);
            await ServerStartup.StartAsync(app, options, cancellationToken);
            try
            {
                await app.WaitForShutdownAsync(cancellationToken);
            }
            finally
            {
                // Ctrl+C reaches here through the token: stop gracefully so in-flight requests are drained.
                await app.StopAsync(CancellationToken.None);
            }
            return 0;
        });
        return command;
    }
}
