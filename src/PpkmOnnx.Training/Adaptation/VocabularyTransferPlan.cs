namespace PpkmOnnx.Training.Adaptation;

/// <summary>For each new token id, the old rows whose mean initialises it, and why (see <see cref="VocabularyTransfer"/>).</summary>
/// <param name="Rows">Old row ids per new id (one row when copied, by role or unknown).</param>
/// <param name="Kinds">How each new row was made.</param>
/// <param name="SourceVocabularySize">Tokens in the old vocabulary.</param>
public sealed record VocabularyTransferPlan(IReadOnlyList<int[]> Rows, IReadOnlyList<VocabularyTransferKind> Kinds, int SourceVocabularySize)
{
    /// <summary>New tokens per kind.</summary>
    public int Count(VocabularyTransferKind kind) => Kinds.Count(k => k == kind);

    /// <summary>Mean number of old pieces per averaged token.</summary>
    public double MeanPiecesPerAveragedToken
    {
        get
        {
            var averaged = Enumerable.Range(0, Rows.Count).Where(i => Kinds[i] == VocabularyTransferKind.MeanOfPieces).ToList();
            return averaged.Count == 0 ? 0 : averaged.Average(i => Rows[i].Length);
        }
    }
}
