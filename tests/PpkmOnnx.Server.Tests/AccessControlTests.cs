using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PpkmOnnx.Server.Access;

namespace PpkmOnnx.Server.Tests;

/// <summary>API keys on the real pipeline: who gets through, what the refusals look like, and what stays open.</summary>
public sealed class AccessControlTests
{
    private const string KeyA = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string KeyB = "team-b-0123456789abcdef";

    private static HttpRequestMessage Request(HttpMethod method, string path, string? authorization = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    private static async Task AssertUnauthorized(HttpResponseMessage response, string wwwAuthenticate, string detail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(wwwAuthenticate, string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())));
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unauthorized", body.GetProperty("error").GetString());
        Assert.Equal(detail, body.GetProperty("detail").GetString());
        Assert.Equal(2, body.EnumerateObject().Count());
    }

    [Fact]
    public async Task Only_requests_with_a_valid_bearer_key_reach_the_api()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { ApiKeys = ApiKeySet.FromKeys([KeyA, KeyB]) });
        const string Classify = "{\"inputs\": \"PPKM diperpanjang lagi\"}";

        await AssertUnauthorized(await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", json: Classify)),
            "Bearer", "this server needs an API key: send Authorization: Bearer KEY.");
        await AssertUnauthorized(await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Bearer " + KeyA[..^1] + "1", Classify)),
            "Bearer error=\"invalid_token\"", "the API key is not valid.");
        await AssertUnauthorized(await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("u:" + KeyA)), Classify)),
            "Bearer error=\"invalid_request\"", "the Authorization header must be one 'Bearer KEY'.");
        await AssertUnauthorized(await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Bearer ", Classify)),
            "Bearer error=\"invalid_request\"", "the Authorization header must be one 'Bearer KEY'.");
        // Every protected path, known or not, answers 401 before anything else: no key, no map of the API.
        foreach (var path in new[] { "/v1/models", "/", "/openapi/v1.json", "/no/such/path" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await h.Client.GetAsync(path)).StatusCode);

        foreach (var (authorization, key) in new[] { ("Bearer " + KeyA, KeyA), ("bearer   " + KeyB, KeyB) })
        {
            var ok = await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", authorization, Classify));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{key}: {await ok.Content.ReadAsStringAsync()}");
            Assert.Equal("tiny", (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString());
            Assert.Equal(HttpStatusCode.OK, (await h.Client.SendAsync(Request(HttpMethod.Get, "/v1/models", authorization))).StatusCode);
        }

        // The probes and /metrics need no key; /metrics counted the refusals like any answer.
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/readyz")).StatusCode);
        var metrics = await h.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var exposition = await metrics.Content.ReadAsStringAsync();
        Assert.Equal(4, MetricsText.Value(exposition, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"401\""));
        Assert.Equal(2, MetricsText.Value(exposition, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"200\""));
        Assert.Equal(1, MetricsText.Value(exposition, "ppkm_http_requests_total", "route=\"unmatched\",method=\"GET\",status=\"401\""));
    }

    [Fact]
    public async Task Metrics_can_require_a_key_while_the_probes_stay_open()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { ApiKeys = ApiKeySet.FromKeys([KeyA]), MetricsRequireKey = true });
        await AssertUnauthorized(await h.Client.GetAsync("/metrics"), "Bearer", "this server needs an API key: send Authorization: Bearer KEY.");
        var scrape = await h.Client.SendAsync(Request(HttpMethod.Get, "/metrics", "Bearer " + KeyA));
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("ppkm_http_requests_total", await scrape.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Keys_and_texts_never_reach_the_log_and_the_request_log_has_one_line_per_request()
    {
        var log = new CapturedLog();
        await using var h = await ServerHarness.StartAsync(o => o with { ApiKeys = ApiKeySet.FromKeys([KeyA]), RequestLog = true },
            configure: b => b.Logging.AddProvider(log));
        const string Secret = "rahasia pribadi warga tentang PPKM";
        var ok = await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Bearer " + KeyA,
            JsonSerializer.Serialize(new { inputs = new[] { Secret, "vaksin lancar" }, model = "tiny-int8" })));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var refused = await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Bearer " + KeyA + "x", JsonSerializer.Serialize(new { inputs = Secret })));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var tooMany = await h.Client.SendAsync(Request(HttpMethod.Post, "/v1/classify", "Bearer " + KeyA,
            JsonSerializer.Serialize(new { inputs = Enumerable.Repeat(Secret, 9).ToArray() })));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        await h.App.StopAsync();

        var lines = log.Messages("ppkm.requests").ToList();
        // The readiness polls of the harness come first; then our three requests, in order.
        var classify = lines.Where(l => l.Contains("\"/v1/classify\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "{\"method\":\"POST\",\"route\":\"/v1/classify\",\"status\":200,\"latency_ms\":L,\"model\":\"tiny-int8\",\"texts\":2}",
            "{\"method\":\"POST\",\"route\":\"/v1/classify\",\"status\":401,\"latency_ms\":L,\"model\":null,\"texts\":null}",
            "{\"method\":\"POST\",\"route\":\"/v1/classify\",\"status\":400,\"latency_ms\":L,\"model\":null,\"texts\":9}",
        ], classify.Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\"latency_ms\":[0-9.E+-]+", "\"latency_ms\":L")));
        foreach (var line in classify)
        {
            Assert.True(JsonDocument.Parse(line).RootElement.GetProperty("latency_ms").GetDouble() >= 0);
            Assert.DoesNotContain('\n', line);
        }
        Assert.Contains(lines, l => l.StartsWith("{\"method\":\"GET\",\"route\":\"/readyz\",\"status\":200,", StringComparison.Ordinal));
        foreach (var (_, _, message) in log.Entries)
        {
            Assert.DoesNotContain(KeyA, message);
            Assert.DoesNotContain("rahasia", message);
        }
    }

    [Fact]
    public async Task Without_the_request_log_option_no_request_line_is_written()
    {
        var log = new CapturedLog();
        await using var h = await ServerHarness.StartAsync(configure: b => b.Logging.AddProvider(log));
        Assert.Equal(HttpStatusCode.OK, (await h.Client.PostAsync("/v1/classify", new StringContent("{\"inputs\": \"ppkm\"}", Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Empty(log.Messages("ppkm.requests"));
        Assert.NotEmpty(log.Entries); // the provider was wired: the model loading lines arrived
    }

    [Fact]
    public void Option_combinations_that_cannot_work_are_refused_before_anything_starts()
    {
        var baseline = new ServerOptions { Models = [new Models.ModelRegistration("m", "/nonexistent")] };
        // The library names its own settings (the command line words them as flags: ServeAccessExecutableTests).
        var e = Assert.Throws<Core.InvalidSettingException>(() => (baseline with { MetricsRequireKey = true }).Validate());
        Assert.Equal("MetricsRequireKey: needs API keys, from PPKM_API_KEYS or a key file (see ApiKeys).", e.Message);
        e = Assert.Throws<Core.InvalidSettingException>(() => (baseline with { TlsCertificateFile = "cert.pem" }).Validate());
        Assert.Equal("TlsKeyFile: not given: TLS needs both a certificate and its key (PEM files) (see TlsCertificateFile).", e.Message);
        e = Assert.Throws<Core.InvalidSettingException>(() => (baseline with { TlsKeyFile = "key.pem" }).Validate());
        Assert.Equal("TlsCertificateFile: not given: TLS needs both a certificate and its key (PEM files) (see TlsKeyFile).", e.Message);
        e = Assert.Throws<Core.InvalidSettingException>(() => (baseline with { Urls = "http://127.0.0.1:1;https://127.0.0.1:2" }).Validate());
        Assert.Equal("Urls: https://127.0.0.1:2 is an https address, which needs a TLS certificate and key (PEM files) (see TlsCertificateFile, TlsKeyFile).", e.Message);
        Assert.Equal("Urls", ((Core.InvalidSettingException)e).Setting);
        Assert.Equal(["TlsCertificateFile", "TlsKeyFile"], ((Core.InvalidSettingException)e).Related);
        Assert.Throws<ArgumentException>(() => (baseline with { RateLimitPerMinute = -1 }).Validate());
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", false, false, 0)]
    [InlineData("http://localhost:8080", false, false, 0)]
    [InlineData("http://[::1]:8080", false, false, 0)]
    [InlineData("http://127.0.0.2:8080", false, false, 0)]
    [InlineData("http://unix:/run/ppkm.sock", false, false, 0)]
    [InlineData("http://0.0.0.0:8080", false, false, 2)]
    [InlineData("http://0.0.0.0:8080", true, false, 1)]
    [InlineData("https://0.0.0.0:8443", false, true, 1)]
    [InlineData("https://[::]:8443", true, true, 0)]
    [InlineData("http://*:80;http://127.0.0.1:81", true, false, 1)]
    [InlineData("http://+:80;https://10.0.0.5:443", false, true, 3)]
    public void Exposure_warnings_name_each_reachable_address_without_tls_or_keys(string urls, bool keys, bool tls, int expected)
    {
        var options = new ServerOptions
        {
            Urls = urls,
            ApiKeys = keys ? ApiKeySet.FromKeys([KeyA]) : null,
            TlsCertificateFile = tls ? "cert.pem" : null,
            TlsKeyFile = tls ? "key.pem" : null,
        };
        var warnings = ExposureWarnings.For(options);
        Assert.Equal(expected, warnings.Count);
        Assert.All(warnings, w => Assert.Contains("reachable from other machines", w));
        if (expected == 2)
        {
            Assert.Equal("http://0.0.0.0:8080 is reachable from other machines without TLS: texts and API keys cross the network in clear text (--tls-cert FILE --tls-key FILE).", warnings[0]);
            Assert.Equal("http://0.0.0.0:8080 is reachable from other machines without an API key: anyone who reaches it can use it (--api-key-file FILE or PPKM_API_KEYS).", warnings[1]);
        }
    }
}
