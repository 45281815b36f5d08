namespace PpkmOnnx.Core.Data;

/// <summary>
/// What looked wrong in a delimited file while it was read, counted so that the data summary reports it and, past a
/// threshold, the read fails (see <see cref="Check"/>) instead of losing rows without a word.
/// </summary>
/// <param name="RaggedRows">Data rows whose field count differs from the first row's.</param>
/// <param name="FirstRaggedLine">The line the first such row starts on (0 when none).</param>
/// <param name="SwallowingFields">Quoted fields that run over lines which look like rows of their own: an unbalanced quote.</param>
/// <param name="FirstSwallowingLine">The line the first such field's row starts on (0 when none).</param>
/// <param name="SwallowedLines">How many row-like lines those fields hold (rows lost to them).</param>
public sealed record ReaderAnomalies(int RaggedRows, int FirstRaggedLine, int SwallowingFields, int FirstSwallowingLine, int SwallowedLines)
{
    /// <summary>Ragged rows tolerated, as a share of the data rows, before the read fails.</summary>
    public const double MaxRaggedShare = 0.01;

    /// <summary>Nothing found.</summary>
    public static ReaderAnomalies None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Whether anything was found.</summary>
    public bool Any => RaggedRows > 0 || SwallowingFields > 0;

    /// <summary>
    /// Finds the anomalies of <paramref name="rows"/> (cells and start line of each data row). A line inside a multi-line
    /// cell "looks like a row" when it has exactly <paramref name="fieldCount"/> fields and its cell at
    /// <paramref name="labelIndex"/> is one of <paramref name="labelValues"/>: rows swallowed by a stray quote do, while
    /// the lines of genuine multi-line tweets do not (none in the IFest files' 1,400, whose "Level 1,2,3 dan 4" splits in four).
    /// </summary>
    public static ReaderAnomalies Find(IReadOnlyList<(string[] Cells, int Line)> rows, int fieldCount, char delimiter, int labelIndex, IReadOnlySet<string> labelValues)
    {
        int ragged = 0, firstRagged = 0, swallowing = 0, firstSwallowing = 0, swallowed = 0;
        foreach (var (cells, line) in rows)
        {
            if (cells.Length != fieldCount)
            {
                ragged++;
                if (firstRagged == 0) firstRagged = line;
            }
            int rowLike = 0;
            foreach (var cell in cells)
            {
                if (!cell.Contains('\n')) continue;
                foreach (var inner in cell.Split('\n'))
                {
                    var fields = inner.TrimEnd('\r').Split(delimiter);
                    if (fields.Length == fieldCount && labelValues.Contains(fields[labelIndex].Trim().Trim('"').Trim())) rowLike++;
                }
            }
            if (rowLike == 0) continue;
            swallowing++;
            swallowed += rowLike;
            if (firstSwallowing == 0) firstSwallowing = line;
        }
        return new ReaderAnomalies(ragged, firstRagged, swallowing, firstSwallowing, swallowed);
    }

    /// <summary>Fails the read when an anomaly loses rows: any quote that swallows rows, or ragged rows above <see cref="MaxRaggedShare"/>.</summary>
    /// <exception cref="UserInputException">The file and the line of the first such anomaly, named.</exception>
    public void Check(string path, int dataRows, int fieldCount)
    {
        if (SwallowingFields > 0)
            throw new UserInputException($"{path}: line {FirstSwallowingLine}: a quoted field starting in this row runs over {SwallowedLines} line(s) that look like rows of their own " +
                $"({SwallowingFields} such field(s) in the file): an unbalanced quote (\"). Fix or double the quote (\"\"); as read, those rows would be lost.");
        if (RaggedRows > MaxRaggedShare * Math.Max(1, dataRows))
            throw new UserInputException($"{path}: line {FirstRaggedLine}: {RaggedRows} of {dataRows} rows have another number of fields than the first row's {fieldCount} " +
                $"(more than {MaxRaggedShare:P0}): the delimiter or the quoting is not what the file's first row suggests.");
    }

    /// <summary>One line for the data summary, or null when nothing was found.</summary>
    public string? Describe() => Any
        ? $"{RaggedRows} ragged row(s){(RaggedRows > 0 ? $" (first at line {FirstRaggedLine})" : "")}, {SwallowingFields} quote(s) swallowing rows"
        : null;
}
