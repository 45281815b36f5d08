namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>A sparse feature vector: ascending feature ids and their values.</summary>
/// <param name="Indices">Feature ids, ascending, distinct.</param>
/// <param name="Values">Value of each id.</param>
internal readonly record struct SparseVector(int[] Indices, double[] Values)
{
    /// <summary>Dot product with a dense weight vector.</summary>
    public double Dot(double[] weights)
    {
        double sum = 0;
        for (int k = 0; k < Indices.Length; k++) sum += weights[Indices[k]] * Values[k];
        return sum;
    }

    /// <summary>Squared L2 norm.</summary>
    public double SquaredNorm()
    {
        double sum = 0;
        foreach (var v in Values) sum += v * v;
        return sum;
    }

    /// <summary>weights += scale · this.</summary>
    public void AddTo(double[] weights, double scale)
    {
        for (int k = 0; k < Indices.Length; k++) weights[Indices[k]] += scale * Values[k];
    }
}
