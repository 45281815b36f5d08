namespace PpkmOnnx.Training.Adaptation;

/// <summary>How <see cref="TokenMasker"/> chooses and corrupts the positions a masked LM predicts (BERT's defaults).</summary>
public sealed record MaskingOptions
{
    /// <summary>Share of eligible tokens (or words, with <see cref="WholeWord"/>) chosen for prediction.</summary>
    public double Probability { get; init; } = 0.15;
    /// <summary>Share of chosen positions replaced by [MASK]; of the rest, half get a random token and half stay.</summary>
    public double MaskShare { get; init; } = 0.8;
    /// <summary>Choose whole words (a piece and its <c>##</c> continuations) instead of single pieces.</summary>
    public bool WholeWord { get; init; }

    /// <summary>Checks the shares are in range.</summary>
    /// <exception cref="ArgumentException">The first bad value, named.</exception>
    public void Validate()
    {
        if (!(Probability > 0 && Probability < 1)) throw new ArgumentException($"masking probability must be in (0, 1), got {Probability}.");
        if (!(MaskShare >= 0 && MaskShare <= 1)) throw new ArgumentException($"[MASK] share must be in [0, 1], got {MaskShare}.");
    }
}
