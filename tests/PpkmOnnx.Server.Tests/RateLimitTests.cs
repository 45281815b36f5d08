using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PpkmOnnx.Server.Access;

namespace PpkmOnnx.Server.Tests;

public sealed class RateLimitTests
{
    private const string KeyA = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private const string KeyB = "team-b-0123456789abcdef";

    private static HttpRequestMessage Classify(string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = new StringContent("{\"inputs\": \"ppkm\"}", Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    private static async Task AssertRateLimited(HttpResponseMessage response, int perMinute)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        int seconds = (int)retryAfter.Value.TotalSeconds;
        // One window is a minute and began with this client's first request a moment ago.
        Assert.InRange(seconds, 1, 60);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate_limited", body.GetProperty("error").GetString());
        Assert.Equal($"more than {perMinute} requests a minute from this client; retry after {seconds} s.", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_client_over_its_requests_per_minute_gets_429_with_retry_after_but_probes_and_metrics_never_do()
    {
        // Kestrel on loopback, so the client is really partitioned by its address (127.0.0.1).
        await using var h = await ServerHarness.StartAsync(o => o with { RateLimitPerMinute = 3 }, kestrel: true);
        for (int i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await h.Client.SendAsync(Classify())).StatusCode);
        await AssertRateLimited(await h.Client.SendAsync(Classify()), 3);
        // The budget is the client's, not the endpoint's.
        await AssertRateLimited(await h.Client.GetAsync("/v1/models"), 3);
        for (int i = 0; i < 5; i++)
            foreach (var open in new[] { "/healthz", "/readyz", "/metrics" })
                Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync(open)).StatusCode);
        var metrics = await h.Client.GetStringAsync("/metrics");
        Assert.Equal(3, MetricsText.Value(metrics, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"200\""));
        Assert.Equal(1, MetricsText.Value(metrics, "ppkm_http_requests_total", "route=\"/v1/classify\",method=\"POST\",status=\"429\""));
    }

    [Fact]
    public async Task With_api_keys_each_key_has_its_own_budget_and_requests_without_a_key_are_refused_first()
    {
        await using var h = await ServerHarness.StartAsync(o => o with { RateLimitPerMinute = 2, ApiKeys = ApiKeySet.FromKeys([KeyA, KeyB]) });
        for (int i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await h.Client.SendAsync(Classify(KeyA))).StatusCode);
        await AssertRateLimited(await h.Client.SendAsync(Classify(KeyA)), 2);
        // Same address, other key: a full budget.
        for (int i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await h.Client.SendAsync(Classify(KeyB))).StatusCode);
        await AssertRateLimited(await h.Client.SendAsync(Classify(KeyB)), 2);
        // No key: 401, never 429, and it spends nobody's budget.
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Client.SendAsync(Classify())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Client.SendAsync(Classify("wrong-key-0123456789"))).StatusCode);
    }
}
