using System.Globalization;

namespace PpkmOnnx.Core.Data;

/// <summary>Reads a <c>ppkm predict</c> file (CSV/TSV with a header, or JSON Lines) as labelled rows with the predicted class's probability.</summary>
internal static class PseudoLabelFile
{
    /// <summary>One prediction: the row (its label a class id of the split) and the probability of that class.</summary>
    public sealed record Prediction(LabelledText Row, double Confidence)
    {
        /// <summary>The predicted text.</summary>
        public string Text => Row.Text;
    }

    /// <summary>Every prediction of <paramref name="path"/>, in file order.</summary>
    /// <exception cref="UserInputException">Missing file or column, a class not in <paramref name="labelNames"/>, a probability that is not a number in [0, 1].</exception>
    public static List<Prediction> Read(string path, IReadOnlyList<string> labelNames)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: pseudo-label file not found (write one with ppkm predict).");
        var records = IsJsonLines(path) ? ReadJsonLines(path) : ReadDelimited(path);
        var ids = labelNames.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        var predictions = new List<Prediction>(records.Count);
        foreach (var (fields, line) in records)
        {
            string Field(string name) => fields.TryGetValue(name, out var v) && v is not null
                ? v : throw new UserInputException($"{path}: line {line}: no '{name}' value (a pseudo-label file needs text, label and prob_<class> for every class, as ppkm predict writes).");
            var label = Field("label");
            if (!ids.TryGetValue(label, out var id))
                throw new UserInputException($"{path}: line {line}: label '{label}' is not one of the data's classes [{string.Join(", ", labelNames)}].");
            var probabilityText = Field("prob_" + label);
            if (!double.TryParse(probabilityText, NumberStyles.Float, CultureInfo.InvariantCulture, out var probability) || !(probability is >= 0 and <= 1))
                throw new UserInputException($"{path}: line {line}: prob_{label} must be a probability in [0, 1], got '{probabilityText}'.");
            predictions.Add(new Prediction(new LabelledText(Field("text"), id, line), probability));
        }
        return predictions;
    }

    private static bool IsJsonLines(string path) => Path.GetExtension(path).ToLowerInvariant() is ".jsonl" or ".ndjson";

    private static List<(Dictionary<string, string?> Fields, int Line)> ReadJsonLines(string path)
    {
        var records = new List<(Dictionary<string, string?>, int)>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, value) in JsonLineParsing.ParseObject(path, line, lineNumber)) fields[name] = value;
            records.Add((fields, lineNumber));
        }
        return records;
    }

    private static List<(Dictionary<string, string?> Fields, int Line)> ReadDelimited(string path)
    {
        var text = File.ReadAllText(path);
        var rows = DelimitedSniffing.Parse(text, DelimitedSniffing.DetectDelimiter(path, DelimitedSniffing.FirstLine(text)), quotes: true);
        if (rows.Count == 0) throw new UserInputException($"{path}: the pseudo-label file is empty.");
        var header = rows[0].Cells.Select(c => c.Trim()).ToArray();
        var records = new List<(Dictionary<string, string?>, int)>(rows.Count - 1);
        foreach (var (cells, line) in rows.Skip(1))
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length && c < cells.Length; c++) fields[header[c]] = cells[c];
            records.Add((fields, line));
        }
        return records;
    }
}
