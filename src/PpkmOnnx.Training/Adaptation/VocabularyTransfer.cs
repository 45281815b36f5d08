using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// Fast Vocabulary Transfer (Gee et al. 2022): moves a model to a new WordPiece vocabulary by giving every new token a
/// row built from the old embedding table. A token present in both vocabularies keeps its row bit for bit; a special
/// token takes the old row of the same role ([CLS] ← [CLS], [MASK] ← [MASK] …); any other token starts as the mean of the
/// old rows of the pieces the old vocabulary splits it into (a <c>##xyz</c> token is split as the inside of a word, so
/// its pieces are continuations too). A token the old vocabulary can only call [UNK] takes the old [UNK] row.
/// </summary>
public static class VocabularyTransfer
{
    /// <summary>Which old rows make each new row: the plan, shared by the word embeddings and the MLM output bias.</summary>
    /// <param name="source">The old tokenizer (its vocabulary indexes the old rows).</param>
    /// <param name="target">The new tokenizer.</param>
    public static VocabularyTransferPlan Plan(BertWordPieceTokenizer source, BertWordPieceTokenizer target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var byRole = new Dictionary<int, int>
        {
            [target.ClsId] = source.ClsId, [target.SepId] = source.SepId, [target.PadId] = source.PadId, [target.UnknownId] = source.UnknownId,
        };
        if (target.TryGetId(target.Settings.MaskToken, out var targetMask) && source.TryGetId(source.Settings.MaskToken, out var sourceMask))
            byRole[targetMask] = sourceMask;

        var rows = new int[target.VocabularySize][];
        var kinds = new VocabularyTransferKind[rows.Length];
        var pieces = new List<int>();
        for (int id = 0; id < rows.Length; id++)
        {
            var token = target.TokensById[id];
            if (byRole.TryGetValue(id, out var special)) { rows[id] = [special]; kinds[id] = VocabularyTransferKind.SpecialRole; continue; }
            if (source.TryGetId(token, out var same)) { rows[id] = [same]; kinds[id] = VocabularyTransferKind.Copied; continue; }
            pieces.Clear();
            bool continuation = token.Length > 2 && token.StartsWith("##", StringComparison.Ordinal);
            source.AppendWordPieces(continuation ? token.AsSpan(2) : token.AsSpan(), pieces, continuation);
            if (pieces.Count == 1 && pieces[0] == source.UnknownId && !continuation)
            {
                // The old tokenizer may normalize what the raw lookup could not match (accents, case): try it that way.
                pieces.Clear();
                source.EncodeToIds(token.AsSpan(), pieces, addSpecialTokens: false);
            }
            bool unresolved = pieces.Count == 0 || pieces.All(p => p == source.UnknownId);
            rows[id] = unresolved ? [source.UnknownId] : pieces.ToArray();
            kinds[id] = unresolved ? VocabularyTransferKind.Unknown : VocabularyTransferKind.MeanOfPieces;
        }
        return new VocabularyTransferPlan(rows, kinds, source.VocabularySize);
    }

    /// <summary>
    /// Applies <paramref name="plan"/> to a row-major table <c>[old rows, width]</c> (word embeddings, or an output bias
    /// as width 1); the result has one row per new token. Old rows beyond the old vocabulary (padding rows) are unused.
    /// </summary>
    /// <exception cref="ArgumentException">The table has fewer rows than the old vocabulary.</exception>
    public static TensorData Apply(VocabularyTransferPlan plan, TensorData table)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(table);
        long oldRows = table.Shape[0];
        int width = table.Shape.Length == 1 ? 1 : checked((int)table.Shape[1]);
        if (oldRows < plan.SourceVocabularySize)
            throw new ArgumentException($"the table has {oldRows} rows but the old vocabulary {plan.SourceVocabularySize} tokens.", nameof(table));
        var result = new float[plan.Rows.Count * width];
        var sum = new double[width];
        for (int r = 0; r < plan.Rows.Count; r++)
        {
            var from = plan.Rows[r];
            if (from.Length == 1)
            {
                // One source row: copied exactly, not through a double round trip.
                Array.Copy(table.Data, (long)from[0] * width, result, (long)r * width, width);
                continue;
            }
            Array.Clear(sum);
            foreach (var s in from)
                for (int c = 0; c < width; c++) sum[c] += table.Data[(long)s * width + c];
            for (int c = 0; c < width; c++) result[(long)r * width + c] = (float)(sum[c] / from.Length);
        }
        long[] shape = table.Shape.Length == 1 ? [plan.Rows.Count] : [plan.Rows.Count, width];
        return new TensorData(shape, result);
    }
}
