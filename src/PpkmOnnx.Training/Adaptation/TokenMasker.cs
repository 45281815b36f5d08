namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// BERT's masking for masked-LM training, as transformers' <c>DataCollatorForLanguageModeling</c> does it: each eligible
/// position (a real token that is not special) is chosen with probability p; a chosen position is replaced by [MASK]
/// with probability 0.8, by a token drawn uniformly from the whole vocabulary with probability 0.1, and kept with
/// probability 0.1; the label is the original id at chosen positions and <see cref="MaskedLanguageModel.IgnoredLabel"/>
/// elsewhere. With whole-word masking the choice is made per word (a piece plus its <c>##</c> continuations) and applies to
/// all its pieces. A batch in which nothing was chosen gets one eligible position chosen, so its loss is defined.
/// </summary>
public sealed class TokenMasker
{
    private readonly int _maskId;
    private readonly int _vocabularySize;
    private readonly bool[] _special;
    private readonly bool[] _continuation;
    private readonly MaskingOptions _options;

    /// <param name="tokensById">The vocabulary (token text per id): <c>##</c> marks continuations.</param>
    /// <param name="maskId">Id of [MASK].</param>
    /// <param name="specialIds">Ids never chosen ([CLS], [SEP], [PAD], …).</param>
    /// <param name="options">Probabilities and whole-word masking.</param>
    public TokenMasker(IReadOnlyList<string> tokensById, int maskId, IEnumerable<int> specialIds, MaskingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tokensById);
        options.Validate();
        _maskId = maskId;
        _vocabularySize = tokensById.Count;
        _special = new bool[_vocabularySize];
        foreach (var id in specialIds) _special[id] = true;
        _continuation = tokensById.Select(t => t.Length > 2 && t.StartsWith("##", StringComparison.Ordinal)).ToArray();
        _options = options;
    }

    /// <summary>Masks a padded batch, row-major <c>[rows, length]</c>.</summary>
    /// <param name="inputIds">The batch's ids (not modified).</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding.</param>
    /// <param name="random">The source of every draw (seed it for reproducible runs).</param>
    /// <returns>The corrupted ids and the labels.</returns>
    public (long[] InputIds, long[] Labels) Mask(long[] inputIds, long[] attentionMask, Random random)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(random);
        var input = (long[])inputIds.Clone();
        var labels = new long[input.Length];
        Array.Fill(labels, MaskedLanguageModel.IgnoredLabel);
        int chosenCount = 0, firstEligible = -1;
        bool wordChosen = false;
        for (int i = 0; i < input.Length; i++)
        {
            if (attentionMask[i] == 0 || _special[inputIds[i]]) continue;
            if (firstEligible < 0) firstEligible = i;
            // Decisions are read from the original ids: a corrupted predecessor must not split its word.
            bool chosen = IsWordStart(inputIds, attentionMask, i) ? random.NextDouble() < _options.Probability : wordChosen;
            wordChosen = chosen;
            if (!chosen) continue;
            Corrupt(input, labels, i, random);
            chosenCount++;
        }
        if (chosenCount == 0 && firstEligible >= 0) Corrupt(input, labels, firstEligible, random);
        return (input, labels);
    }

    /// <summary>Whether a padded batch has any position <see cref="Mask"/> may choose: a real token that is not special.</summary>
    public bool HasMaskableToken(long[] inputIds, long[] attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        for (int i = 0; i < inputIds.Length; i++)
            if (attentionMask[i] != 0 && !_special[inputIds[i]]) return true;
        return false;
    }

    // With whole-word masking, a continuation piece follows its word's decision; anything else starts a word.
    private bool IsWordStart(long[] ids, long[] mask, int i) =>
        !_options.WholeWord || !_continuation[ids[i]] || i == 0 || mask[i - 1] == 0 || _special[ids[i - 1]];

    private void Corrupt(long[] input, long[] labels, int i, Random random)
    {
        labels[i] = input[i];
        double r = random.NextDouble();
        if (r < _options.MaskShare) input[i] = _maskId;
        else if (r < _options.MaskShare + (1 - _options.MaskShare) / 2) input[i] = random.Next(_vocabularySize);
    }
}
