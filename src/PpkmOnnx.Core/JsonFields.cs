using System.Text.Json.Nodes;

namespace PpkmOnnx.Core;

/// <summary>Typed reads of JSON fields that name the file and field when the value has the wrong JSON type.</summary>
public static class JsonFields
{
    /// <summary>The value of <paramref name="node"/> as <typeparamref name="T"/>.</summary>
    /// <param name="node">A field's value.</param>
    /// <param name="source">The file it came from, for the message.</param>
    /// <exception cref="UserInputException">The value is not a <typeparamref name="T"/> (a string where a number belongs, a fraction for an integer).</exception>
    public static T Value<T>(JsonNode node, string source)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is JsonValue value && value.TryGetValue<T>(out var result)) return result;
        throw new UserInputException(source, Field(node), $"must be {Expected<T>()}, got {node.ToJsonString()}.");
    }

    /// <summary>The value of <paramref name="node"/> as <typeparamref name="T"/>, or <paramref name="fallback"/> when the field is absent or null.</summary>
    /// <exception cref="UserInputException">The value is present but not a <typeparamref name="T"/>.</exception>
    public static T ValueOr<T>(JsonNode? node, string source, T fallback) => node is null ? fallback : Value<T>(node, source);

    // "$.id2label['0']" -> "id2label['0']": the field as the user sees it in the file.
    private static string Field(JsonNode node) => node.GetPath().TrimStart('$').TrimStart('.');

    private static string Expected<T>() => typeof(T) switch
    {
        var t when t == typeof(int) || t == typeof(long) => "an integer",
        var t when t == typeof(double) || t == typeof(float) => "a number",
        var t when t == typeof(bool) => "true or false",
        var t when t == typeof(string) => "a string",
        var t => $"a {t.Name}",
    };
}
