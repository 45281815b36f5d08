using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>Reads the JSON side files of a model package (config.json, export.json, quantize.json).</summary>
public static class PackageFiles
{
    /// <summary>The JSON in <paramref name="path"/>, or null when the file does not exist.</summary>
    /// <exception cref="UserInputException">The file exists but is not JSON.</exception>
    public static JsonNode? ReadOptionalJson(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
    }

    /// <summary>Label names by id from config.json's <c>id2label</c>, or null when it has none.</summary>
    /// <exception cref="UserInputException">id2label has a key that is not an integer, or ids are not 0..n-1.</exception>
    public static IReadOnlyList<string>? ReadLabels(JsonNode? config, string configPath)
    {
        if (config?["id2label"] is not JsonObject map || map.Count == 0) return null;
        var labels = new string[map.Count];
        foreach (var (key, value) in map)
        {
            if (!int.TryParse(key, out var id) || id < 0 || id >= labels.Length)
                throw new UserInputException($"{configPath}: id2label key '{key}' is not an id in 0..{labels.Length - 1}.");
            labels[id] = value?.ToString() ?? "";
        }
        return labels;
    }
}
