using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Cli.Prediction;

/// <summary>
/// Writes predictions row by row: <c>row</c> (the input's 1-based data row), <c>text</c>, <c>label</c> and one
/// <c>prob_&lt;label&gt;</c> column per class, as CSV/TSV (fields quoted when they hold the delimiter, a quote or a line
/// break) or JSON Lines. Probabilities are written in round-trip form, so they read back to the same floats.
/// </summary>
internal sealed class PredictionWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TextWriter _writer;
    private readonly PredictionFormat _format;
    private readonly string[] _probabilityColumns;
    private readonly char _delimiter;

    private PredictionWriter(TextWriter writer, PredictionFormat format, IReadOnlyList<string> labels)
    {
        _writer = writer;
        _format = format;
        _probabilityColumns = labels.Select(l => "prob_" + l).ToArray();
        _delimiter = format == PredictionFormat.Tsv ? '\t' : ',';
    }

    /// <summary>A writer of <paramref name="format"/> for a model with <paramref name="labels"/>; writes the header of CSV/TSV at once.</summary>
    public static PredictionWriter Create(TextWriter writer, PredictionFormat format, IReadOnlyList<string> labels)
    {
        var w = new PredictionWriter(writer, format, labels);
        if (format != PredictionFormat.JsonLines) w.WriteCells(["row", "text", "label", .. w._probabilityColumns]);
        return w;
    }

    /// <summary>
    /// The format asked for with <c>--format</c>, else the one <paramref name="output"/>'s extension names
    /// (.csv, .tsv, .jsonl/.ndjson); CSV for standard output (<c>-</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown format or extension.</exception>
    public static PredictionFormat ResolveFormat(string output, string? format)
    {
        if (format is { Length: > 0 })
            return format.Trim().ToLowerInvariant() switch
            {
                "csv" => PredictionFormat.Csv,
                "tsv" => PredictionFormat.Tsv,
                "jsonl" or "ndjson" or "json" => PredictionFormat.JsonLines,
                _ => throw new UserInputException($"unknown --format '{format}' (expected csv, tsv or jsonl)."),
            };
        if (output == "-") return PredictionFormat.Csv;
        return Path.GetExtension(output).ToLowerInvariant() switch
        {
            ".csv" => PredictionFormat.Csv,
            ".tsv" => PredictionFormat.Tsv,
            ".jsonl" or ".ndjson" => PredictionFormat.JsonLines,
            _ => throw new UserInputException($"{output}: cannot tell the output format from the extension; name it .csv, .tsv or .jsonl, or pass --format csv|tsv|jsonl."),
        };
    }

    /// <summary>Writes one prediction.</summary>
    public void Write(TextRow row, ClassificationResult result) => Write(row, result.Label, result.Probabilities);

    /// <summary>Writes one prediction given as its label and probabilities by class id.</summary>
    public void Write(TextRow row, string label, IReadOnlyList<float> probabilities)
    {
        if (_format == PredictionFormat.JsonLines)
        {
            var o = new JsonObject { ["row"] = row.Row, ["text"] = row.Text, ["label"] = label };
            for (int c = 0; c < _probabilityColumns.Length; c++) o[_probabilityColumns[c]] = probabilities[c];
            _writer.Write(o.ToJsonString(JsonOptions));
            _writer.Write('\n');
            return;
        }
        var cells = new string[3 + _probabilityColumns.Length];
        cells[0] = row.Row.ToString(CultureInfo.InvariantCulture);
        cells[1] = row.Text;
        cells[2] = label;
        for (int c = 0; c < _probabilityColumns.Length; c++) cells[3 + c] = probabilities[c].ToString("R", CultureInfo.InvariantCulture);
        WriteCells(cells);
    }

    private void WriteCells(string[] cells)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) _writer.Write(_delimiter);
            var cell = cells[i];
            if (cell.AsSpan().IndexOfAny(_delimiter, '"', '\n') >= 0 || cell.Contains('\r'))
                _writer.Write("\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            else
                _writer.Write(cell);
        }
        _writer.Write('\n');
    }
}
