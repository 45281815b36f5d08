using System.Numerics;

namespace PpkmOnnx.Core.Metrics;

/// <summary>
/// Turning a model's per-class scores into a prediction: argmax and softmax, written once so that serving, bench,
/// the quantizer's guard, the exporter's check and the baselines all pick a class by the same rule.
/// </summary>
public static class ClassScores
{
    /// <summary>
    /// Index of the largest value; the first on ties (numpy's argmax). Comparisons with NaN are false, so a NaN is
    /// never taken over the best so far and nothing is taken over a leading NaN (a row of NaNs gives 0); an empty row gives 0.
    /// </summary>
    public static int ArgMax(ReadOnlySpan<float> values) => IndexOfMax(values);

    /// <summary>Index of the largest value; the first on ties (see <see cref="ArgMax(ReadOnlySpan{float})"/>).</summary>
    public static int ArgMax(ReadOnlySpan<double> values) => IndexOfMax(values);

    // The one argmax: IEEE comparison, so NaN behaves alike for float and double.
    private static int IndexOfMax<T>(ReadOnlySpan<T> values) where T : IComparisonOperators<T, T, bool>
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>
    /// Softmax probabilities of <paramref name="logits"/>, computed in double after subtracting the largest logit (so no
    /// exponent overflows) and rounded to float once at the end.
    /// </summary>
    /// <exception cref="ArgumentException">No logits.</exception>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("softmax of no logits.", nameof(logits));
        double max = double.NegativeInfinity;
        foreach (var l in logits) max = Math.Max(max, l);
        var exp = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += exp[i] = Math.Exp(logits[i] - max);
        var probabilities = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++) probabilities[i] = (float)(exp[i] / sum);
        return probabilities;
    }
}
