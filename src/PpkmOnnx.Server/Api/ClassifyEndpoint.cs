using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server.Api;

/// <summary>POST /v1/classify: parses the body by hand so every user mistake is a precise 4xx, never a 500.</summary>
internal static class ClassifyEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ModelCatalog catalog, ServerOptions options)
    {
        var request = context.Request;
        if (request.ContentLength > options.MaxRequestBodyBytes)
            return Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"request body is {request.ContentLength} bytes; the limit is {options.MaxRequestBodyBytes}.");

        byte[] body;
        try
        {
            body = await ReadLimitedAsync(request.Body, options.MaxRequestBodyBytes, context.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            return Error(e.StatusCode, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request", e.Message);
        }
        catch (InvalidDataException e)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", e.Message);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, "malformed_json", $"the body is not valid JSON: {e.Message}");
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
                modelName = modelElement.GetString();
            }
            if (!root.TryGetProperty("inputs", out var inputs))
                return Error(400, "invalid_request", "missing \"inputs\" (a string or an array of strings).");

            var texts = new List<string>();
            if (inputs.ValueKind == JsonValueKind.String) texts.Add(inputs.GetString()!);
            else if (inputs.ValueKind == JsonValueKind.Array)
            {
                int index = 0;
                foreach (var element in inputs.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.String)
                        return Error(400, "invalid_request", $"inputs[{index}] is {element.ValueKind.ToString().ToLowerInvariant()}, expected a string.");
                    texts.Add(element.GetString()!);
                    index++;
                }
                if (texts.Count == 0) return Error(400, "empty_inputs", "\"inputs\" is an empty array.");
            }
            else return Error(400, "invalid_request", $"\"inputs\" is {inputs.ValueKind.ToString().ToLowerInvariant()}, expected a string or an array of strings.");

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

            var started = Stopwatch.GetTimestamp();
            try
            {
                var results = await model.Batcher.ClassifyAsync(texts, context.RequestAborted);
                var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                return Results.Json(new ClassifyResponse(model.Name, model.Classifier.Info.VariantName, model.Classifier.ExecutionProvider, Math.Round(latency, 3),
                    results.Select(r => r.Scores).ToList()));
            }
            catch (QueueFullException e)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Error(StatusCodes.Status429TooManyRequests, "queue_full", e.Message);
            }
            catch (ArgumentException e)
            {
                return Error(400, "invalid_text", e.Message);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away while queued: nobody reads this answer (499 in nginx terms).
                return Results.StatusCode(499);
            }
            catch (ObjectDisposedException)
            {
                context.Response.Headers.RetryAfter = "1";
                return Error(StatusCodes.Status503ServiceUnavailable, "shutting_down", "the server is shutting down.");
            }
        }
    }

    public static IResult Error(int status, string code, string detail) => Results.Json(new ApiError(code, detail), statusCode: status);

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) throw new InvalidDataException($"request body exceeds the limit of {limit} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
