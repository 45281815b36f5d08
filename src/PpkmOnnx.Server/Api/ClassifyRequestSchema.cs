using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// The OpenAPI schema of <see cref="ClassifyRequest"/>. Its custom converter (<see cref="ClassifyRequestConverter"/>) hides
/// its shape from the document generator, which would publish an empty schema; this writes what the converter accepts,
/// with the server's own limits (<see cref="ServerOptions.MaxTextsPerRequest"/>, <see cref="ServerOptions.MaxCharactersPerText"/>).
/// </summary>
internal static class ClassifyRequestSchema
{
    /// <summary>A schema transformer (<see cref="OpenApiOptions.AddSchemaTransformer(Func{OpenApiSchema, OpenApiSchemaTransformerContext, CancellationToken, Task})"/>): fills in <see cref="ClassifyRequest"/>'s schema and leaves the others alone.</summary>
    public static Task Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type != typeof(ClassifyRequest)) return Task.CompletedTask;
        var limits = context.ApplicationServices.GetRequiredService<ServerOptions>();
        var text = new OpenApiSchema
        {
            Type = JsonSchemaType.String, MinLength = 1, MaxLength = limits.MaxCharactersPerText,
            Description = "A text to classify (valid Unicode, not empty).",
        };
        schema.Type = JsonSchemaType.Object;
        schema.Required = new HashSet<string> { "inputs" };
        schema.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["inputs"] = new OpenApiSchema
            {
                OneOf = [text, new OpenApiSchema { Type = JsonSchemaType.Array, Items = text, MinItems = 1, MaxItems = limits.MaxTextsPerRequest }],
                Description = "One text, or a batch of texts answered in order.",
            },
            ["model"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "A served model's name (GET /v1/models); the first served model when absent.",
            },
        };
        return Task.CompletedTask;
    }
}
