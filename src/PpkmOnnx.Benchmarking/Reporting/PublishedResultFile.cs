using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>
/// Reads the paper's published numbers from a JSON file: an array of objects with <c>model</c>, <c>accuracy</c>,
/// <c>precision</c>, <c>recall</c>, <c>f1Score</c> (fractions 0..1) and optional <c>runningTime</c>,
/// <c>trainableParameters</c>, <c>table</c> (strings, kept as printed).
/// </summary>
public static class PublishedResultFile
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="UserInputException">No such file.</exception>
    /// <exception cref="UserInputException">Not such an array; the message names the file, the entry and the field.</exception>
    public static IReadOnlyList<PublishedResult> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: published results file not found.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
        if (node is not JsonArray array) throw new UserInputException($"{path}: expected a JSON array of published rows.");
        var results = new List<PublishedResult>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject row) throw new UserInputException($"{path}: entry {i + 1} is not an object.");
            string where = $"{path}: entry {i + 1}";
            string model = row["model"] is JsonValue m && m.TryGetValue<string>(out var name) && name.Length > 0
                ? name : throw new UserInputException($"{where}: missing string field 'model'.");
            double Score(string field)
            {
                if (row[field] is not JsonValue v || !v.TryGetValue<double>(out var d))
                    throw new UserInputException($"{where} ({model}): missing number field '{field}'.");
                if (d < 0 || d > 1)
                    throw new UserInputException($"{where} ({model}): '{field}' is {d}; give scores as fractions in 0..1 (89.1% is 0.891).");
                return d;
            }
            string? Text(string field) => row[field] is JsonValue v ? v.ToString() : null;
            results.Add(new PublishedResult(model, Score("accuracy"), Score("precision"), Score("recall"), Score("f1Score"),
                Text("runningTime"), Text("trainableParameters"), Text("table")));
        }
        return results;
    }
}
