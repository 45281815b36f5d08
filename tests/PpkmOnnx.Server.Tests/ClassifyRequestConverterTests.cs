using System.Text;
using System.Text.Json;
using PpkmOnnx.Server.Api;

namespace PpkmOnnx.Server.Tests;

/// <summary>
/// The typed reading of a /v1/classify body: every shape mistake is an <see cref="ApiException"/> with the exact code and
/// message the API has always given, and a body that is not JSON at all stays a <see cref="JsonException"/>
/// (<c>malformed_json</c>), whatever else is wrong in it.
/// </summary>
public sealed class ClassifyRequestConverterTests
{
    private static ClassifyRequest? Read(string body) => JsonSerializer.Deserialize(Encoding.UTF8.GetBytes(body), ServerJsonContext.Default.ClassifyRequest);

    [Theory]
    [InlineData("{\"inputs\": \"one\"}", new[] { "one" }, null)]
    [InlineData("{\"model\": \"m\", \"inputs\": [\"a\", \"b\"]}", new[] { "a", "b" }, "m")]
    [InlineData("{\"inputs\": [\"a\"], \"model\": null, \"other\": {\"x\": [1, 2]}}", new[] { "a" }, null)]
    [InlineData("{\"inputs\": \"caf\\u00e9\"}", new[] { "café" }, null)]
    public void Reads_one_text_or_a_list_and_the_model(string body, string[] texts, string? model)
    {
        var request = Read(body)!;
        Assert.Equal(texts, request.Inputs);
        Assert.Equal(model, request.Model);
    }

    [Theory]
    [InlineData("null", "invalid_request", "the body must be a JSON object like {\"inputs\": \"text\"} or {\"inputs\": [\"t1\", \"t2\"]}.")]
    [InlineData("[\"a\"]", "invalid_request", "the body must be a JSON object like {\"inputs\": \"text\"} or {\"inputs\": [\"t1\", \"t2\"]}.")]
    [InlineData("{}", "invalid_request", "missing \"inputs\" (a string or an array of strings).")]
    [InlineData("{\"inputs\": 5}", "invalid_request", "\"inputs\" is number, expected a string or an array of strings.")]
    [InlineData("{\"inputs\": null}", "invalid_request", "\"inputs\" is null, expected a string or an array of strings.")]
    [InlineData("{\"inputs\": {\"a\": 1}}", "invalid_request", "\"inputs\" is object, expected a string or an array of strings.")]
    [InlineData("{\"inputs\": [\"ok\", true]}", "invalid_request", "inputs[1] is true, expected a string.")]
    [InlineData("{\"inputs\": [\"ok\", [\"nested\"], 3]}", "invalid_request", "inputs[1] is array, expected a string.")]
    [InlineData("{\"inputs\": []}", "empty_inputs", "\"inputs\" is an empty array.")]
    [InlineData("{\"inputs\": \"ok\", \"model\": 7}", "invalid_request", "\"model\" must be a string.")]
    // Several mistakes: "model" first, then a missing "inputs", then the first wrong input, wherever they stand in the body.
    [InlineData("{\"inputs\": 5, \"model\": 7}", "invalid_request", "\"model\" must be a string.")]
    [InlineData("{\"model\": [1], \"x\": 1}", "invalid_request", "\"model\" must be a string.")]
    [InlineData("{\"inputs\": [1, 2], \"inputs\": [\"a\", false]}", "invalid_request", "inputs[1] is false, expected a string.")]
    [InlineData("{\"inputs\": \"\\ud800\"}", "malformed_text", "\"inputs\" is not valid Unicode text (invalid UTF-8 bytes or a lone surrogate escape such as \\ud800).")]
    public void Shape_mistakes_are_400_with_the_precise_message(string body, string code, string detail)
    {
        var e = Assert.Throws<ApiException>(() => Read(body));
        Assert.Equal((400, code, detail), (e.Status, e.Code, e.Detail));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"inputs\": ")]
    [InlineData("[\"a\"")]
    [InlineData("{\"inputs\": [3, ")]
    [InlineData("{\"model\": 7, \"inputs\": [\"a\"]")]
    public void A_body_that_is_not_json_is_malformed_json_first(string body) =>
        Assert.ThrowsAny<JsonException>(() => Read(body));
}
