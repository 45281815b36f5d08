namespace PpkmOnnx.Core.Data;

/// <summary>What cleaning did, in rows.</summary>
/// <param name="RowsIn">Rows given to cleaning (after the reader dropped rows with a missing text or label).</param>
/// <param name="MissingDropped">Rows the reader dropped for a missing text or label.</param>
/// <param name="ExactDuplicatesDropped">Rows dropped because an earlier row had the same text and label.</param>
/// <param name="ConflictingTexts">Distinct texts that appear with more than one label.</param>
/// <param name="ConflictRowsDropped">Rows of conflicting texts dropped (0 under <see cref="ConflictPolicy.Keep"/>).</param>
/// <param name="RowsKept">Rows left.</param>
/// <param name="Policy">The conflict policy applied.</param>
public sealed record CleaningReport(int RowsIn, int MissingDropped, int ExactDuplicatesDropped, int ConflictingTexts, int ConflictRowsDropped, int RowsKept, ConflictPolicy Policy);
