using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Inspection;

/// <summary>Reads the JSON side files of a model package (export.json, quantize.json); package facts come from <see cref="PpkmOnnx.Core.Packaging.ModelPackage"/>.</summary>
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
}
