using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server.Tests;

public sealed class ClassifyEndpointTests
{
    private static readonly string[] Tweets =
    [
        "PPKM bagus!", "vaksin corona di jakarta, kasus turun", "pasar sepi", "tidak suka PPKM lagi, kerja dari rumah aja jelek",
        "bantuan sosial?", "#ppkm @pemerintah kasus naik, warga sedih", "senang", "kerja kerja kerja",
    ];

    private static void AssertPrediction(ServerHarness h, string model, string text, JsonElement prediction)
    {
        var (tiny, folder) = h.Packages[model];
        var expected = tiny.ExpectedProbabilities(folder, text);
        var entries = prediction.EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        var scores = entries.Select(e => e.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        foreach (var e in entries)
        {
            int id = Array.IndexOf(PpkmOnnx.Tests.Support.TinyPackage.LabelNames, e.GetProperty("label").GetString());
            Assert.True(id >= 0);
            Assert.Equal(expected[id], e.GetProperty("score").GetDouble(), 5);
        }
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Single_text_and_batches_get_every_label_sorted_and_in_input_order()
    {
        await using var h = await ServerHarness.StartAsync();
        var single = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = Tweets[1] })));
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var s = await single.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("tiny", s.GetProperty("model").GetString());
        Assert.Equal("fp32", s.GetProperty("variant").GetString());
        Assert.Equal("CPUExecutionProvider", s.GetProperty("provider").GetString());
        Assert.True(s.GetProperty("latency_ms").GetDouble() >= 0);
        Assert.Equal(1, s.GetProperty("predictions").GetArrayLength());
        AssertPrediction(h, "tiny", Tweets[1], s.GetProperty("predictions")[0]);

        var batch = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = Tweets, model = "tiny-int8" })));
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var b = await batch.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("tiny-int8", b.GetProperty("model").GetString());
        Assert.Equal("int8", b.GetProperty("variant").GetString());
        Assert.Equal(Tweets.Length, b.GetProperty("predictions").GetArrayLength());
        for (int i = 0; i < Tweets.Length; i++) AssertPrediction(h, "tiny-int8", Tweets[i], b.GetProperty("predictions")[i]);
    }

    [Theory]
    [InlineData("{\"inputs\": ", 400, "malformed_json")]
    [InlineData("not json", 400, "malformed_json")]
    [InlineData("[\"a\"]", 400, "invalid_request")]
    [InlineData("{}", 400, "invalid_request")]
    [InlineData("{\"inputs\": 5}", 400, "invalid_request")]
    [InlineData("{\"inputs\": null}", 400, "invalid_request")]
    [InlineData("{\"inputs\": [\"ok\", 3]}", 400, "invalid_request")]
    [InlineData("{\"inputs\": [\"ok\", [\"nested\"]]}", 400, "invalid_request")]
    [InlineData("{\"inputs\": []}", 400, "empty_inputs")]
    [InlineData("{\"inputs\": \"\"}", 400, "empty_text")]
    [InlineData("{\"inputs\": [\"ok\", \"   \"]}", 400, "empty_text")]
    [InlineData("{\"inputs\": \"ok\", \"model\": 7}", 400, "invalid_request")]
    [InlineData("{\"inputs\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]}", 400, "too_many_inputs")]
    [InlineData("{\"inputs\": \"ok\", \"model\": \"nope\"}", 404, "unknown_model")]
    [InlineData("", 400, "malformed_json")]
    public async Task Bad_requests_get_a_json_error_never_a_500(string body, int status, string code)
    {
        await using var h = await ServerHarness.StartAsync();
        var response = await h.Client.PostAsync("/v1/classify", Body(body));
        Assert.Equal(status, (int)response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, error.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.ppkm+json")]
    [InlineData(null)]
    public async Task Json_or_no_content_type_is_read_as_json(string? contentType)
    {
        await using var h = await ServerHarness.StartAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\": \"pasar sepi\"}"));
        if (contentType is not null) content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await h.Client.PostAsync("/v1/classify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertPrediction(h, "tiny", "pasar sepi", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions")[0]);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task Other_content_types_get_415(string contentType)
    {
        await using var h = await ServerHarness.StartAsync();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"inputs\": \"pasar sepi\"}"));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await h.Client.PostAsync("/v1/classify", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unsupported_media_type", error.GetProperty("error").GetString());
        Assert.Contains(contentType.Split(';')[0], error.GetProperty("detail").GetString());
    }

    public static TheoryData<byte[], string> NotUnicodeBodies => new()
    {
        // Raw bytes that are not UTF-8 inside a JSON string.
        { [.. "{\"inputs\": \"caf"u8, 0xE9, .. "\"}"u8], "\"inputs\"" },
        { [.. "{\"inputs\": [\"ok\", \""u8, 0xFF, 0xFE, .. "\"]}"u8], "inputs[1]" },
        // Escapes of a lone UTF-16 surrogate.
        { "{\"inputs\": \"\\ud800\"}"u8.ToArray(), "\"inputs\"" },
        { "{\"inputs\": [\"ok\", \"a\\udc00b\"]}"u8.ToArray(), "inputs[1]" },
        { "{\"inputs\": \"ok\", \"model\": \"\\ud83d\"}"u8.ToArray(), "\"model\"" },
    };

    [Theory]
    [MemberData(nameof(NotUnicodeBodies))]
    public async Task Text_that_is_not_unicode_gets_400_never_500(byte[] body, string where)
    {
        await using var h = await ServerHarness.StartAsync();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var response = await h.Client.PostAsync("/v1/classify", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        // The body is well-formed JSON (the reader checks string bytes only when a string is read): the text is what is wrong.
        Assert.Equal("malformed_text", error.GetProperty("error").GetString());
        Assert.Contains(where, error.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("GET", "/v1/classify", "POST")]
    [InlineData("HEAD", "/v1/classify", "POST")]
    [InlineData("PUT", "/v1/classify", "POST")]
    [InlineData("POST", "/healthz", "GET, HEAD")]
    [InlineData("DELETE", "/v1/models", "GET, HEAD")]
    public async Task Wrong_methods_get_405_with_allow(string method, string path, string allowed)
    {
        await using var h = await ServerHarness.StartAsync();
        var response = await h.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Body("{}") });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allowed.Split(", "), response.Content.Headers.Allow);
        if (method == "HEAD") return; // a HEAD answer has no body to read
        Assert.Equal("method_not_allowed", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await h.Client.GetAsync("/v1/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task Too_long_text_and_too_large_body_are_refused()
    {
        await using var h = await ServerHarness.StartAsync();
        var tooLong = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = new string('a', 201) })));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("text_too_long", (await tooLong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // A 200-character text is fine: the model truncates it to its max length.
        var atLimit = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = string.Join(' ', Enumerable.Repeat("ppkm", 40)) })));
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);

        var big = Body(JsonSerializer.Serialize(new { inputs = Enumerable.Repeat(new string('b', 150), 40).ToArray() }));
        var response = await h.Client.PostAsync("/v1/classify", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // Without Content-Length (chunked), the limit holds while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { inputs = new string('c', 9000) }))));
        chunked.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var chunkedResponse = await h.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedResponse.StatusCode);
    }

    [Fact]
    public async Task Full_queue_answers_429_with_retry_after()
    {
        // One request of two texts fills the queue and waits for company for a long time.
        await using var h = await ServerHarness.StartAsync(o => o with { MaxQueuedTexts = 2, MaxQueueDelay = TimeSpan.FromSeconds(3), MaxBatchSize = 64 });
        var first = h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = new[] { Tweets[0], Tweets[1] } })));
        var catalog = (ModelCatalog)h.App.Services.GetService(typeof(ModelCatalog))!;
        while (catalog.Find("tiny")!.Batcher.QueuedTexts < 2) await Task.Delay(10);

        var refused = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = Tweets[2] })));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("queue_full", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // Another model has its own queue.
        var other = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = Tweets[2], model = "tiny-int8" })));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        var answered = await first;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.Content.ReadFromJsonAsync<JsonElement>();
        AssertPrediction(h, "tiny", Tweets[0], body.GetProperty("predictions")[0]);
        AssertPrediction(h, "tiny", Tweets[1], body.GetProperty("predictions")[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Concurrent_clients_get_correct_answers_in_order(int concurrentBatches)
    {
        await using var h = await ServerHarness.StartAsync(o => o with
        {
            MaxQueueDelay = TimeSpan.FromMilliseconds(20), MaxBatchSize = 16, ConcurrentBatches = concurrentBatches,
        });
        var tasks = Enumerable.Range(0, 40).Select(async c =>
        {
            var model = c % 3 == 0 ? "tiny-int8" : "tiny";
            var texts = Enumerable.Range(0, 1 + c % 6).Select(k => Tweets[(c * 5 + k) % Tweets.Length]).ToArray();
            var response = await h.Client.PostAsync("/v1/classify", Body(JsonSerializer.Serialize(new { inputs = texts, model })));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(model, body.GetProperty("model").GetString());
            for (int k = 0; k < texts.Length; k++) AssertPrediction(h, model, texts[k], body.GetProperty("predictions")[k]);
            return texts.Length;
        }).ToArray();
        var total = (await Task.WhenAll(tasks)).Sum();

        // Every text went through a batch exactly once.
        var metrics = await h.Client.GetStringAsync("/metrics");
        double Sum(string model) => MetricsText.Value(metrics, "ppkm_batch_size_sum", $"model=\"{model}\"");
        Assert.Equal(total, Sum("tiny") + Sum("tiny-int8"));
    }
}
