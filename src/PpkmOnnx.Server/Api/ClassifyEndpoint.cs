using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PpkmOnnx.Server.Logging;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// POST /v1/classify: reads a typed <see cref="ClassifyRequest"/>, checks it against the server's limits and classifies
/// it. Every mistake is an <see cref="ApiException"/> (4xx), answered in one place by <see cref="ApiErrors"/>; never a 500.
/// </summary>
internal static class ClassifyEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, ModelCatalog catalog, ServerOptions options)
    {
        try
        {
            var request = await ReadRequestAsync(context.Request, options, context.RequestAborted);
            var log = context.Features.Get<RequestLogDetails>();
            if (log is not null) log.Texts = request.Inputs.Count;
            CheckLimits(request.Inputs, options);
            var model = SelectModel(catalog, request.Model);
            if (log is not null) log.Model = model.Name;

            var started = Stopwatch.GetTimestamp();
            var results = await model.Batcher.ClassifyAsync(request.Inputs, context.RequestAborted);
            var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return Results.Json(new ClassifyResponse(model.Name, model.Classifier.Info.VariantName, model.Classifier.ExecutionProvider, Math.Round(latency, 3),
                results.Select(r => r.Scores).ToList()));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away while sending or queued: nobody reads this answer (499 in nginx terms).
            return Results.StatusCode(499);
        }
        catch (Exception e) when (ApiErrors.IsExpected(e))
        {
            return ApiErrors.For(context, e);
        }
    }

    /// <summary>The typed request: media type, size and JSON shape checked (<see cref="ClassifyRequestConverter"/>).</summary>
    private static async Task<ClassifyRequest> ReadRequestAsync(HttpRequest request, ServerOptions options, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type",
                $"the body must be JSON (Content-Type: application/json), got Content-Type: {request.ContentType}.");
        if (request.ContentLength > options.MaxRequestBodyBytes)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"request body is {request.ContentLength} bytes; the limit is {options.MaxRequestBodyBytes}.");
        var body = await ReadLimitedAsync(request.Body, options.MaxRequestBodyBytes, cancellationToken);
        // Never null: the converter handles the JSON literal null too (as a body that is not an object).
        return JsonSerializer.Deserialize(body, ServerJsonContext.Default.ClassifyRequest)!;
    }

    private static void CheckLimits(IReadOnlyList<string> texts, ServerOptions options)
    {
        if (texts.Count > options.MaxTextsPerRequest)
            throw new ApiException(400, "too_many_inputs", $"{texts.Count} texts in one request; the limit is {options.MaxTextsPerRequest}.");
        for (int i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i])) throw new ApiException(400, "empty_text", $"inputs[{i}] is empty.");
            if (texts[i].Length > options.MaxCharactersPerText)
                throw new ApiException(400, "text_too_long", $"inputs[{i}] has {texts[i].Length} characters; the limit is {options.MaxCharactersPerText}.");
        }
    }

    private static ServedModel SelectModel(ModelCatalog catalog, string? name)
    {
        if (name is not null && !catalog.Names.Contains(name))
            throw new ApiException(StatusCodes.Status404NotFound, "unknown_model", $"no model named '{name}' (served: {string.Join(", ", catalog.Names)}).");
        return catalog.Find(name)
            ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "not_ready", catalog.LoadError ?? "models are still loading; see /readyz.", retryAfterSeconds: 1);
    }

    // No Content-Type is read as JSON (curl --data-binary); any other media type than JSON is refused.
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"request body exceeds the limit of {limit} bytes.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
