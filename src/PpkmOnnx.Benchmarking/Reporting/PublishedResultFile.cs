using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>
/// Reads the paper's published numbers from a JSON file, in either of two shapes:
/// <list type="bullet">
/// <item>an array of objects with <c>model</c>, <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1Score</c> (fractions
/// 0..1) and optional <c>runningTime</c>, <c>trainableParameters</c>, <c>table</c> (strings, kept as printed);</item>
/// <item>the seed file <c>../shared/data/ppkm/seed_paper_results.json</c>: an object with <c>source</c>, <c>setup</c> and
/// <c>cases</c> (each with <c>case</c>, <c>rows</c> and <c>results</c> of <c>model</c>, <c>accuracy</c>, <c>precision</c>,
/// <c>recall</c>, <c>f1</c>, <c>running_time_s</c>, <c>trainable_parameters</c>); case N is the paper's Table N.</item>
/// </list>
/// </summary>
public static class PublishedResultFile
{
    /// <summary>Where the seed paper's numbers are, relative to the shared data folder.</summary>
    public static readonly string SeedRelativePath = Path.Combine("data", "ppkm", "seed_paper_results.json");

    /// <summary>
    /// The default <c>--published</c> file: the seed paper's results in <c>$PPKM_SHARED</c> or <c>../shared</c> (from the
    /// current directory), or null when neither holds it.
    /// </summary>
    public static string? DefaultPath()
    {
        var shared = Environment.GetEnvironmentVariable("PPKM_SHARED") is { Length: > 0 } env ? env : Path.Combine("..", "shared");
        var path = Path.Combine(shared, SeedRelativePath);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="UserInputException">No such file.</exception>
    /// <exception cref="UserInputException">Neither shape; the message names the file, the entry and the field.</exception>
    public static IReadOnlyList<PublishedResult> Read(string path) => ReadFile(path).Rows;

    /// <summary>
    /// One line on where the rows come from, for the report: the file's <c>source</c> and <c>setup.dataset</c> when it has
    /// them (the seed file), else the file name.
    /// </summary>
    /// <exception cref="UserInputException">No such file.</exception>
    /// <exception cref="UserInputException">Neither shape.</exception>
    public static string Describe(string path)
    {
        var (_, root) = ReadFile(path);
        string name = Path.GetFileName(path);
        if (root is not JsonObject o) return name;
        string? source = o["source"] is JsonValue s && s.TryGetValue<string>(out var text) ? text.TrimEnd('.') : null;
        string? dataset = o["setup"]?["dataset"] is JsonValue d && d.TryGetValue<string>(out var ds) ? ds : null;
        return name + (source is null ? "" : $" ({source})") + (dataset is null ? "" : $"; their dataset: {dataset}");
    }

    private static (IReadOnlyList<PublishedResult> Rows, JsonNode Root) ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: published results file not found.");
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new UserInputException($"{path}: not valid JSON (line {(e.LineNumber ?? 0) + 1}: {e.Message}).", e); }
        if (node is JsonObject seed && seed["cases"] is JsonArray cases) return (ReadCases(path, cases), seed);
        if (node is not JsonArray array) throw new UserInputException($"{path}: expected a JSON array of published rows or an object with \"cases\".");
        var results = new List<PublishedResult>(array.Count);
        for (int i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject row) throw new UserInputException($"{path}: entry {i + 1} is not an object.");
            string where = $"{path}: entry {i + 1}";
            string model = row["model"] is JsonValue m && m.TryGetValue<string>(out var name) && name.Length > 0
                ? name : throw new UserInputException($"{where}: missing string field 'model'.");
            double Score(string field) => ScoreField(row, field, $"{where} ({model})");
            string? Text(string field) => row[field] is JsonValue v ? v.ToString() : null;
            results.Add(new PublishedResult(model, Score("accuracy"), Score("precision"), Score("recall"), Score("f1Score"),
                Text("runningTime"), Text("trainableParameters"), Text("table")));
        }
        return (results, array);
    }

    /// <summary>A published score: a number field holding a fraction in 0..1; <paramref name="where"/> names the row in messages.</summary>
    private static double ScoreField(JsonObject row, string field, string where)
    {
        if (row[field] is not JsonValue v || !v.TryGetValue<double>(out var d))
            throw new UserInputException($"{where}: missing number field '{field}'.");
        if (d < 0 || d > 1)
            throw new UserInputException($"{where}: '{field}' is {d}; give scores as fractions in 0..1 (89.1% is 0.891).");
        return d;
    }

    private static List<PublishedResult> ReadCases(string path, JsonArray cases)
    {
        var results = new List<PublishedResult>();
        for (int c = 0; c < cases.Count; c++)
        {
            string where = $"{path}: case entry {c + 1}";
            if (cases[c] is not JsonObject entry) throw new UserInputException($"{where} is not an object.");
            int number = entry["case"] is JsonValue n && n.TryGetValue<int>(out var k) ? k : c + 1;
            string table = $"Table {number}" + (entry["rows"] is JsonValue r && r.TryGetValue<int>(out var rows) ? $", {ReportFormat.Count(rows)} rows" : "");
            if (entry["results"] is not JsonArray rowsArray) throw new UserInputException($"{where}: missing array field 'results'.");
            for (int i = 0; i < rowsArray.Count; i++)
            {
                if (rowsArray[i] is not JsonObject row) throw new UserInputException($"{where}, result {i + 1} is not an object.");
                string model = row["model"] is JsonValue m && m.TryGetValue<string>(out var name) && name.Length > 0
                    ? name : throw new UserInputException($"{where}, result {i + 1}: missing string field 'model'.");
                double Score(string field) => ScoreField(row, field, $"{where} ({model})");
                string? seconds = row["running_time_s"] is JsonValue t && t.TryGetValue<double>(out var sec) ? ReportFormat.Duration(sec) : null;
                string? parameters = row["trainable_parameters"] is JsonValue p && p.TryGetValue<long>(out var count) ? ReportFormat.Count(count) : null;
                results.Add(new PublishedResult(model, Score("accuracy"), Score("precision"), Score("recall"), Score("f1"), seconds, parameters, table));
            }
        }
        return results;
    }
}
