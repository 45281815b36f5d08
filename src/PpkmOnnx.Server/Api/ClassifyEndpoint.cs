using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PpkmOnnx.Core;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Server.Logging;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server.Api;

/// <summary>POST /v1/classify: parses the body by hand so every user mistake is a precise 4xx, never a 500.</summary>
internal static class ClassifyEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ModelCatalog catalog, ServerOptions options)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
            return Error(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"the body must be JSON (Content-Type: application/json), got Content-Type: {request.ContentType}.");
        if (request.ContentLength > options.MaxRequestBodyBytes)
            return Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"request body is {request.ContentLength} bytes; the limit is {options.MaxRequestBodyBytes}.");

        byte[] body;
        try
        {
            body = await ReadLimitedAsync(request.Body, options.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return ApiErrors.For(context, e);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return ApiErrors.For(context, e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Error(400, "invalid_request", "the body must be a JSON object like {\"inputs\": \"text\"} or {\"inputs\": [\"t1\", \"t2\"]}.");

            string? modelName = null;
            if (root.TryGetProperty("model", out var modelElement) && modelElement.ValueKind != JsonValueKind.Null)
            {
                if (modelElement.ValueKind != JsonValueKind.String) return Error(400, "invalid_request", "\"model\" must be a string.");
                if (!TryGetText(modelElement, out modelName)) return NotUnicode("\"model\"");
            }
            if (!root.TryGetProperty("inputs", out var inputs))
                return Error(400, "invalid_request", "missing \"inputs\" (a string or an array of strings).");

            var texts = new List<string>();
            if (inputs.ValueKind == JsonValueKind.String)
            {
                if (!TryGetText(inputs, out var text)) return NotUnicode("\"inputs\"");
                texts.Add(text);
            }
            else if (inputs.ValueKind == JsonValueKind.Array)
            {
                int index = 0;
                foreach (var element in inputs.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.String)
                        return Error(400, "invalid_request", $"inputs[{index}] is {element.ValueKind.ToString().ToLowerInvariant()}, expected a string.");
                    if (!TryGetText(element, out var text)) return NotUnicode($"inputs[{index}]");
                    texts.Add(text);
                    index++;
                }
                if (texts.Count == 0) return Error(400, "empty_inputs", "\"inputs\" is an empty array.");
            }
            else return Error(400, "invalid_request", $"\"inputs\" is {inputs.ValueKind.ToString().ToLowerInvariant()}, expected a string or an array of strings.");

            var log = context.Features.Get<RequestLogDetails>();
            if (log is not null) log.Texts = texts.Count;
            if (texts.Count > options.MaxTextsPerRequest)
                return Error(400, "too_many_inputs", $"{texts.Count} texts in one request; the limit is {options.MaxTextsPerRequest}.");
            for (int i = 0; i < texts.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(texts[i])) return Error(400, "empty_text", $"inputs[{i}] is empty.");
                if (texts[i].Length > options.MaxCharactersPerText)
                    return Error(400, "text_too_long", $"inputs[{i}] has {texts[i].Length} characters; the limit is {options.MaxCharactersPerText}.");
            }

            if (modelName is not null && !catalog.Names.Contains(modelName))
                return Error(StatusCodes.Status404NotFound, "unknown_model", $"no model named '{modelName}' (served: {string.Join(", ", catalog.Names)}).");
            var model = catalog.Find(modelName);
            if (model is null)
            {
                context.Response.Headers.RetryAfter = "1";
                return Error(StatusCodes.Status503ServiceUnavailable, "not_ready", catalog.LoadError ?? "models are still loading; see /readyz.");
            }

            if (log is not null) log.Model = model.Name;
            var started = Stopwatch.GetTimestamp();
            try
            {
                var results = await model.Batcher.ClassifyAsync(texts, context.RequestAborted);
                var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                return Results.Json(new ClassifyResponse(model.Name, model.Classifier.Info.VariantName, model.Classifier.ExecutionProvider, Math.Round(latency, 3),
                    results.Select(r => r.Scores).ToList()));
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away while queued: nobody reads this answer (499 in nginx terms).
                return Results.StatusCode(499);
            }
            catch (Exception e) when (ApiErrors.IsExpected(e))
            {
                return ApiErrors.For(context, e);
            }
        }
    }

    private static IResult Error(int status, string code, string detail) => ApiErrors.Error(status, code, detail);

    // No Content-Type is read as JSON (curl --data-binary); any other media type than JSON is refused.
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    // A JSON string whose bytes are not UTF-8 or whose escapes are a lone surrogate ("\ud800") has no .NET string.
    private static bool TryGetText(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static IResult NotUnicode(string where) =>
        Error(400, "malformed_text", $"{where} is not valid Unicode text (invalid UTF-8 bytes or a lone surrogate escape such as \\ud800).");

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new BadHttpRequestException($"request body exceeds the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
