using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Turns the <see cref="JsonException"/> of a strict record read into one <see cref="UserInputException"/> that names the
/// file and the field as the user sees them (<c>epochs[0].validation.macro_f1</c>) and says what was wrong in words, not
/// in .NET type names.
/// </summary>
internal static partial class RecordFieldError
{
    /// <summary>The message for <paramref name="e"/>, thrown while reading <paramref name="json"/> from <paramref name="source"/> as <paramref name="root"/>.</summary>
    public static UserInputException From(JsonException e, ReadOnlyMemory<byte> json, string source, JsonTypeInfo root)
    {
        var field = e.Path is { } path ? FieldName(path) : null;
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
            return new UserInputException(source, Join(field, missing.Groups[1].Value), "is missing.", e);
        if (e.Message.Contains("null values", StringComparison.Ordinal))
            return new UserInputException(source, field, "must not be null.", e);
        // The message names the record being filled, not the field's type: the field's type comes from the contract.
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal) && field is not null && TypeAt(root, e.Path!) is { } expected)
        {
            var got = ValueAt(json, e.Path!, root.Options) is { } raw ? $", got {raw}" : "";
            return new UserInputException(source, field, $"must be {expected}{got}.", e);
        }
        var line = e.LineNumber is { } l ? $"line {l + 1}: " : "";
        return new UserInputException(source, field, $"{line}{FirstSentence(e.Message)}", e);
    }

    // "$.epochs[0].train_loss" -> "epochs[0].train_loss"; "$" -> null (the top level).
    private static string? FieldName(string path)
    {
        var name = path.TrimStart('$').TrimStart('.');
        return name.Length == 0 ? null : name;
    }

    private static string Join(string? parent, string key) => parent is null ? key : $"{parent}.{key}";

    // What the contract expects at a path, in words ("an integer"), or null when the path leaves the contract.
    private static string? TypeAt(JsonTypeInfo root, string path)
    {
        var info = root;
        foreach (Match step in PathStep().Matches(path))
        {
            if (step.Groups["index"].Success || info.Kind == JsonTypeInfoKind.Dictionary)
            {
                if (info.ElementType is not { } element) return null;
                info = info.Options.GetTypeInfo(element);
                continue;
            }
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
            if (info.Properties.FirstOrDefault(p => p.Name == name) is not { } property) return null;
            info = info.Options.GetTypeInfo(property.PropertyType);
        }
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 date and time",
            _ when type == typeof(JsonArray) => "an array",
            _ => "an object",
        };
    }

    // The raw JSON at a System.Text.Json path ("$.a[0].b", "$['odd key']"), or null when the path does not lead to a value.
    private static string? ValueAt(ReadOnlyMemory<byte> json, string path, JsonSerializerOptions options)
    {
        JsonNode? node;
        // Parsed as the record was read (comments and trailing commas where its contract allows them).
        var document = new JsonDocumentOptions { CommentHandling = options.ReadCommentHandling, AllowTrailingCommas = options.AllowTrailingCommas };
        try { node = JsonNode.Parse(json.Span, documentOptions: document); }
        catch (JsonException) { return null; }
        foreach (Match step in PathStep().Matches(path))
        {
            node = step.Groups["index"].Success
                ? node is JsonArray a && int.TryParse(step.Groups["index"].Value, out int i) && i < a.Count ? a[i] : null
                : node is JsonObject o ? o[step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value] : null;
            if (node is null) return null;
        }
        return node?.ToJsonString();
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    [GeneratedRegex(@"missing required properties,? including:? '([^']+)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\[(?<index>\d+)\]|\['(?<quoted>[^']*)'\]")]
    private static partial Regex PathStep();
}
