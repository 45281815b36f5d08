using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

public sealed class ServiceEndpointTests
{
    [Fact]
    public async Task Models_lists_every_loaded_model_with_its_description()
    {
        await using var h = await ServerHarness.StartAsync();
        var body = await h.Client.GetFromJsonAsync<JsonElement>("/v1/models");
        var models = body.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["tiny", "tiny-int8"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["fp32", "int8"], models.Select(m => m.GetProperty("variant").GetString()));
        foreach (var m in models)
        {
            Assert.Equal("bert", m.GetProperty("architecture").GetString());
            Assert.Equal("CPUExecutionProvider", m.GetProperty("provider").GetString());
            Assert.Equal(TinyPackage.LabelNames, m.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(16, m.GetProperty("max_length").GetInt32());
            Assert.Equal(64, m.GetProperty("sha256").GetString()!.Length);
            Assert.True(m.GetProperty("file_size_bytes").GetInt64() > 0);
        }
    }

    [Fact]
    public async Task Health_and_readiness_follow_model_loading()
    {
        await using var h = await ServerHarness.StartAsync(waitReady: false);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(200, await h.WaitForReadinessAsync());
        var ready = await h.Client.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(2, ready.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Probes_and_the_model_list_answer_head_with_the_get_status_and_headers_and_no_body()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { Models = [.. o.Models, new ModelRegistration("ghost", "/nonexistent/package")] },
            kestrel: true, waitReady: false);
        Assert.Equal(503, await h.WaitForReadinessAsync()); // the ghost model fails, so /readyz answers 503 to both methods
        foreach (var (path, status) in new[] { ("/healthz", HttpStatusCode.OK), ("/readyz", HttpStatusCode.ServiceUnavailable), ("/v1/models", HttpStatusCode.OK), ("/", HttpStatusCode.OK) })
        {
            var get = await h.Client.GetAsync(path);
            var head = await h.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(status, get.StatusCode);
            Assert.Equal(status, head.StatusCode);
            Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
            Assert.NotEmpty(await get.Content.ReadAsByteArrayAsync());
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task A_model_that_cannot_load_stops_the_start_unless_partial_serving_is_allowed()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyPackage.Create(3).WriteTo(temp.Combine("good"));
        TinyPackage.Create(4).WriteTo(temp.Combine("bad"));
        File.WriteAllText(temp.Combine("bad", "model.onnx"), "corrupt");
        var options = new ServerOptions
        {
            Models = [new ModelRegistration("good", temp.Combine("good")), new ModelRegistration("bad", temp.Combine("bad"))],
            ExecutionProvider = PpkmOnnx.Runtime.ExecutionProviderPreference.Cpu,
            IntraOpThreads = 1,
        };

        await using (var app = ServerApp.Build(options, b => b.WebHost.UseTestServer()))
        {
            var e = await Assert.ThrowsAsync<PpkmOnnx.Core.SettingsAdviceException>(() => ServerStartup.StartAsync(app, options, CancellationToken.None));
            Assert.StartsWith("model 'bad' cannot be served: ", e.Message);
            // The library names the setting; ppkm serve words it with its flag, as users have always read it.
            Assert.EndsWith(" (AllowPartial serves the models that load)", e.Message);
            var serve = ServeCommandLine.Configure(new System.CommandLine.RootCommand());
            var worded = PpkmOnnx.Server.CommandLine.SettingFlags.Word(e, serve.Parse(Array.Empty<string>()));
            Assert.Equal(e.Message.Replace("(AllowPartial ", "(--allow-partial ", StringComparison.Ordinal), worded);
            Assert.EndsWith(" (--allow-partial serves the models that load)", worded);
            // Nothing listens: the test server was never started.
            Assert.Throws<InvalidOperationException>(() => app.GetTestClient());
        }

        var partial = options with { AllowPartial = true };
        await using (var app = ServerApp.Build(partial, b => b.WebHost.UseTestServer()))
        {
            await ServerStartup.StartAsync(app, partial, CancellationToken.None);
            var client = app.GetTestClient();
            var ready = await client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var report = await ready.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(["good"], report.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
            Assert.Contains("model 'bad'", report.GetProperty("detail").GetString());
            var served = await client.PostAsync("/v1/classify", new StringContent("{\"inputs\": \"ppkm\", \"model\": \"good\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            var failed = await client.PostAsync("/v1/classify", new StringContent("{\"inputs\": \"ppkm\", \"model\": \"bad\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Readiness_is_false_before_the_host_starts_loading()
    {
        using var temp = TestPaths.NewTempFolder();
        TinyPackage.Create(3).WriteTo(temp.Path);
        await using var app = ServerApp.Build(new ServerOptions { Models = [new ModelRegistration("m", temp.Path)], ExecutionProvider = PpkmOnnx.Runtime.ExecutionProviderPreference.Cpu },
            b => b.WebHost.UseTestServer());
        var catalog = (ModelCatalog)app.Services.GetService(typeof(ModelCatalog))!;
        Assert.False(catalog.IsReady);
        Assert.Null(catalog.Find(null));
        await app.StartAsync();
        // Loading finishes in the background; the warm-up ran before readiness (the model answers at once afterwards).
        var client = app.GetTestClient();
        for (int i = 0; i < 600 && !catalog.IsReady; i++) await Task.Delay(50);
        Assert.True(catalog.IsReady);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task A_model_that_fails_to_load_keeps_the_server_unready_but_healthy()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { Models = [.. o.Models, new ModelRegistration("ghost", "/nonexistent/package")] }, waitReady: false);
        Assert.Equal(503, await h.WaitForReadinessAsync());
        var response = await h.Client.GetAsync("/readyz");
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("failed", report.GetProperty("status").GetString());
        Assert.Contains("/nonexistent/package", report.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/healthz")).StatusCode);
        var ghost = await h.Client.PostAsync("/v1/classify", new StringContent("{\"inputs\":\"ppkm\",\"model\":\"ghost\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ghost.StatusCode);
        Assert.True(ghost.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Metrics_expose_the_named_series_with_real_counts()
    {
        await using var h = await ServerHarness.StartAsync();
        string[] texts = ["PPKM bagus!", "pasar sepi", "vaksin corona di jakarta, kasus turun"];
        var ok = await h.Client.PostAsync("/v1/classify", new StringContent(JsonSerializer.Serialize(new { inputs = texts }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var bad = await h.Client.PostAsync("/v1/classify", new StringContent("{", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var metrics = await h.Client.GetStringAsync("/metrics");
        Assert.Equal(1, MetricsText.Value(metrics, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"200\""));
        Assert.Equal(1, MetricsText.Value(metrics, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"400\""));
        Assert.Equal(2, MetricsText.Value(metrics, "ppkm_http_request_duration_seconds_count", "route=\"/v1/classify\""));
        Assert.Equal(1, MetricsText.Value(metrics, "ppkm_batch_size_count", "model=\"tiny\""));
        Assert.Equal(3, MetricsText.Value(metrics, "ppkm_batch_size_sum", "model=\"tiny\""));
        Assert.Equal(0, MetricsText.Value(metrics, "ppkm_queue_depth", "model=\"tiny\""));
        var (model, folder) = h.Packages["tiny"];
        Assert.Equal(texts.Sum(t => model.TokenIds(folder, t).Count), MetricsText.Value(metrics, "ppkm_tokens_processed_total", "model=\"tiny\""));
    }

    [Fact]
    public async Task OpenApi_document_describes_the_api()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { MaxTextsPerRequest = 5, MaxCharactersPerText = 300 });
        var doc = await h.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/v1/classify", "/v1/models", "/healthz", "/readyz" }) Assert.True(paths.TryGetProperty(p, out _), p);
        Assert.True(paths.GetProperty("/v1/classify").TryGetProperty("post", out var post));
        Assert.True(post.GetProperty("responses").TryGetProperty("429", out _));

        // The request body as the converter reads it, with this server's limits.
        var reference = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.Equal("#/components/schemas/ClassifyRequest", reference);
        var request = doc.GetProperty("components").GetProperty("schemas").GetProperty("ClassifyRequest");
        Assert.Equal("object", request.GetProperty("type").GetString());
        Assert.Equal(["inputs"], request.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var inputs = request.GetProperty("properties").GetProperty("inputs").GetProperty("oneOf");
        Assert.Equal(2, inputs.GetArrayLength());
        Assert.Equal(("string", 1, 300), (inputs[0].GetProperty("type").GetString(), inputs[0].GetProperty("minLength").GetInt32(), inputs[0].GetProperty("maxLength").GetInt32()));
        Assert.Equal(("array", 1, 5), (inputs[1].GetProperty("type").GetString(), inputs[1].GetProperty("minItems").GetInt32(), inputs[1].GetProperty("maxItems").GetInt32()));
        Assert.Equal("string", inputs[1].GetProperty("items").GetProperty("type").GetString());
        Assert.Equal("string", request.GetProperty("properties").GetProperty("model").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Web_page_is_self_contained_and_unknown_routes_get_json_404()
    {
        await using var h = await ServerHarness.StartAsync();
        var page = await h.Client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<textarea id=\"text\"", html);
        Assert.Contains("/v1/classify", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);

        var missing = await h.Client.GetAsync("/v2/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("not_found", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Shutdown_drains_in_flight_requests()
    {
        var h = await ServerHarness.StartAsync(o => o with { MaxQueueDelay = TimeSpan.FromMilliseconds(800), MaxBatchSize = 64 }, kestrel: true);
        try
        {
            var inFlight = h.Client.PostAsync("/v1/classify", new StringContent("{\"inputs\":[\"pasar sepi\",\"senang\"]}", Encoding.UTF8, "application/json"));
            var catalog = (ModelCatalog)h.App.Services.GetService(typeof(ModelCatalog))!;
            while (catalog.Find("tiny")!.Batcher.QueuedTexts < 2) await Task.Delay(10);
            var stopping = h.App.StopAsync();
            var response = await inFlight;
            await stopping;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(2, body.GetProperty("predictions").GetArrayLength());
        }
        finally
        {
            await h.DisposeAsync();
        }
    }
}
