using System.Text.Json;
using System.Text.Json.Serialization;

namespace PpkmOnnx.Server.Api;

/// <summary>
/// Reads a <see cref="ClassifyRequest"/> and throws <see cref="ApiException"/> (400) with a precise message for every
/// shape mistake. Each value is read to its end before its mistake is reported, so a body that is not JSON at all stays
/// <c>malformed_json</c>; when the body holds several mistakes, <c>"model"</c> is reported first, then a missing
/// <c>"inputs"</c>, then the first wrong input.
/// </summary>
internal sealed class ClassifyRequestConverter : JsonConverter<ClassifyRequest>
{
    private const string ExpectedShape = "the body must be a JSON object like {\"inputs\": \"text\"} or {\"inputs\": [\"t1\", \"t2\"]}.";

    /// <summary>True: the JSON literal null is read here too, and refused like any body that is not an object.</summary>
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override ClassifyRequest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            throw ApiException.InvalidRequest(ExpectedShape);
        }
        (string? Value, ApiException? Error) model = (null, null);
        (List<string>? Value, ApiException? Error)? inputs = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isModel = reader.ValueTextEquals("model"u8), isInputs = reader.ValueTextEquals("inputs"u8);
            reader.Read();
            if (isModel) model = ReadModel(ref reader);
            else if (isInputs) inputs = ReadInputs(ref reader);
            else reader.Skip();
        }
        if (model.Error is not null) throw model.Error;
        if (inputs is not { } read) throw ApiException.InvalidRequest("missing \"inputs\" (a string or an array of strings).");
        if (read.Error is not null) throw read.Error;
        return new ClassifyRequest(read.Value!, model.Value);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ClassifyRequest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("inputs");
        foreach (var text in value.Inputs) writer.WriteStringValue(text);
        writer.WriteEndArray();
        if (value.Model is not null) writer.WriteString("model", value.Model);
        writer.WriteEndObject();
    }

    private static (string? Value, ApiException? Error) ReadModel(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return (null, null);
            case JsonTokenType.String:
                return TryGetText(ref reader, out var name) ? (name, null) : (null, NotUnicode("\"model\""));
            default:
                reader.Skip();
                return (null, ApiException.InvalidRequest("\"model\" must be a string."));
        }
    }

    private static (List<string>? Value, ApiException? Error) ReadInputs(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
            return TryGetText(ref reader, out var text) ? ([text], null) : (null, NotUnicode("\"inputs\""));
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var kind = KindOf(reader.TokenType);
            reader.Skip();
            return (null, ApiException.InvalidRequest($"\"inputs\" is {kind}, expected a string or an array of strings."));
        }
        var texts = new List<string>();
        ApiException? error = null;
        for (int index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (error is null)
            {
                if (reader.TokenType != JsonTokenType.String)
                    error = ApiException.InvalidRequest($"inputs[{index}] is {KindOf(reader.TokenType)}, expected a string.");
                else if (!TryGetText(ref reader, out var text))
                    error = NotUnicode($"inputs[{index}]");
                else
                    texts.Add(text);
            }
            reader.Skip(); // the rest of a nested value, so the loop stays on this array's elements
        }
        if (error is null && texts.Count == 0) error = new ApiException(400, "empty_inputs", "\"inputs\" is an empty array.");
        return error is null ? (texts, null) : (null, error);
    }

    // A JSON string whose bytes are not UTF-8 or whose escapes are a lone surrogate ("\ud800") has no .NET string.
    private static bool TryGetText(ref Utf8JsonReader reader, out string text)
    {
        try
        {
            text = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static ApiException NotUnicode(string where) =>
        new(400, "malformed_text", $"{where} is not valid Unicode text (invalid UTF-8 bytes or a lone surrogate escape such as \\ud800).");

    // The words JsonValueKind used for these values: object, array, number, true, false, null.
    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.Number => "number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => "string",
    };
}
