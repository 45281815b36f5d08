namespace PpkmOnnx.Training.Training;

/// <summary>Cross-entropy class weights from the train split's class counts.</summary>
public static class ClassWeights
{
    /// <summary>
    /// Weights per class id, or null for <see cref="ClassWeighting.None"/>. Inverse frequency is <c>N / (K · n_c)</c>;
    /// a class absent from the train split weighs 1 (it never appears as a target anyway).
    /// </summary>
    public static float[]? Compute(ClassWeighting weighting, IReadOnlyList<int> counts)
    {
        if (weighting == ClassWeighting.None) return null;
        long n = counts.Sum(c => (long)c);
        int k = counts.Count;
        return counts.Select(c => c == 0 ? 1f : (float)((double)n / ((double)k * c))).ToArray();
    }
}
