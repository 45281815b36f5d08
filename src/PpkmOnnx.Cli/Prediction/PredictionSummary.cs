using System.Globalization;

namespace PpkmOnnx.Cli.Prediction;

/// <summary>What a <c>ppkm predict</c> run did: rows written, rows skipped, time, label counts and the provider used.</summary>
/// <param name="Rows">Rows classified and written.</param>
/// <param name="EmptyRowsSkipped">Input rows skipped because their text was blank or missing.</param>
/// <param name="Elapsed">Time from the first row read to the last written.</param>
/// <param name="Labels">Label names by class id.</param>
/// <param name="LabelCounts">Predicted rows per class id.</param>
/// <param name="ExecutionProvider">The ONNX Runtime provider really used.</param>
/// <param name="Variant">The model variant's name.</param>
internal sealed record PredictionSummary(long Rows, long EmptyRowsSkipped, TimeSpan Elapsed, IReadOnlyList<string> Labels, IReadOnlyList<long> LabelCounts,
    string ExecutionProvider, string Variant)
{
    /// <summary>Rows per second over <see cref="Elapsed"/>.</summary>
    public double RowsPerSecond => Elapsed.TotalSeconds > 0 ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>One line: rows, seconds, rows/s, label counts, empty rows skipped, provider and variant.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"Predicted {Rows} rows in {Elapsed.TotalSeconds:0.00} s ({RowsPerSecond:0.0} rows/s) on {ExecutionProvider} ({Variant}): " +
        $"{string.Join(", ", Labels.Select((l, i) => $"{l} {LabelCounts[i]}"))}; {EmptyRowsSkipped} empty rows skipped.");
}
