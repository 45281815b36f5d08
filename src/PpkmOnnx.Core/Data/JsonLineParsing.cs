using System.Text.Json;

namespace PpkmOnnx.Core.Data;

/// <summary>One JSON Lines line as property values, shared by <see cref="DatasetReader"/> and <see cref="TextRowReader"/>.</summary>
internal static class JsonLineParsing
{
    /// <summary>
    /// The properties of the JSON object on <paramref name="line"/> (already trimmed, not blank), in file order, as strings:
    /// numbers and booleans as written, null as null.
    /// </summary>
    /// <exception cref="UserInputException">Not a JSON object, or a property holds an array or object.</exception>
    public static List<KeyValuePair<string, string?>> ParseObject(string path, string line, long lineNumber)
    {
        JsonElement root;
        try { using var doc = JsonDocument.Parse(line); root = doc.RootElement.Clone(); }
        catch (JsonException e) { throw new UserInputException($"{path}: line {lineNumber}: not a JSON object ({e.Message.Split('.')[0]}).", e); }
        if (root.ValueKind != JsonValueKind.Object) throw new UserInputException($"{path}: line {lineNumber}: expected a JSON object, found {root.ValueKind}.");
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var p in root.EnumerateObject())
        {
            values.Add(new(p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => throw new UserInputException($"{path}: line {lineNumber}: property '{p.Name}' is a {p.Value.ValueKind}, expected a string or number."),
            }));
        }
        return values;
    }
}
