using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Finds a null inside a list or map of a strict record (<c>"models": [{…}, null]</c>). The serializer's
/// <c>RespectNullableAnnotations</c> refuses a null field but not a null element: the nullability of a generic argument
/// (<c>IReadOnlyList&lt;ModelResult&gt;</c>) is not visible at run time, so such a file read "fine" and crashed whatever
/// used the element. No list or map of ppkm's records holds nulls, so any null element of a reference type is refused.
/// </summary>
internal static class RecordNullElements
{
    /// <summary>
    /// The field path of the first null element in <paramref name="json"/> read as <paramref name="root"/>, named as
    /// <see cref="RecordFieldError"/> names fields (<c>models[1]</c>, <c>variants.int8</c>), or null when there is none.
    /// </summary>
    public static string? Find(ReadOnlyMemory<byte> json, JsonTypeInfo root)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions
        {
            CommentHandling = root.Options.ReadCommentHandling == JsonCommentHandling.Skip ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = root.Options.AllowTrailingCommas,
        });
        return Find(document.RootElement, root, null);
    }

    private static string? Find(JsonElement value, JsonTypeInfo info, string? path)
    {
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when value.ValueKind == JsonValueKind.Object:
                foreach (var property in info.Properties)
                    if (value.TryGetProperty(property.Name, out var field)
                        && Find(field, info.Options.GetTypeInfo(property.PropertyType), Join(path, property.Name)) is { } found)
                        return found;
                return null;
            case JsonTypeInfoKind.Enumerable when value.ValueKind == JsonValueKind.Array && info.ElementType is { } element:
                int i = 0;
                foreach (var item in value.EnumerateArray())
                    if (Check(item, element, info.Options, $"{path}[{i++}]") is { } found) return found;
                return null;
            case JsonTypeInfoKind.Dictionary when value.ValueKind == JsonValueKind.Object && info.ElementType is { } element:
                foreach (var entry in value.EnumerateObject())
                    if (Check(entry.Value, element, info.Options, Join(path, entry.Name)) is { } found) return found;
                return null;
            default:
                return null;
        }
    }

    // A null where the element type is a reference type (value types, nullable or not, the serializer already checks).
    private static string? Check(JsonElement item, Type element, JsonSerializerOptions options, string path) =>
        item.ValueKind == JsonValueKind.Null
            ? (element.IsValueType ? null : path)
            : Find(item, options.GetTypeInfo(element), path);

    private static string Join(string? parent, string key) => parent is null ? key : $"{parent}.{key}";
}
