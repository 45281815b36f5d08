namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// What the two LIBLINEAR-style dual coordinate-descent solvers share: the training vectors with labels ±1, their squared
/// norms plus 1 (the bias is a constant feature of value 1), the weights and bias, and the decision value w·x + b.
/// </summary>
internal abstract class BinaryDualSolver
{
    /// <param name="x">Training vectors.</param>
    /// <param name="positive">Whether each vector is of the positive class.</param>
    /// <param name="dimension">Length of the weight vector (every feature id is below it).</param>
    protected BinaryDualSolver(IReadOnlyList<SparseVector> x, IReadOnlyList<bool> positive, int dimension)
    {
        if (x.Count != positive.Count) throw new ArgumentException("one label per vector is needed.");
        X = x;
        Y = positive.Select(p => p ? 1.0 : -1.0).ToArray();
        SquaredNorms = x.Select(v => v.SquaredNorm() + 1).ToArray();
        W = new double[dimension];
    }

    /// <summary>Training vectors.</summary>
    protected IReadOnlyList<SparseVector> X { get; }
    /// <summary>Labels, +1 or −1.</summary>
    protected double[] Y { get; }
    /// <summary>‖xᵢ‖² + 1 of each vector.</summary>
    protected double[] SquaredNorms { get; }
    /// <summary>The weights, updated in place by <see cref="Solve"/>.</summary>
    protected double[] W { get; }

    /// <summary>The weights (shared, overwritten by <see cref="Solve"/>).</summary>
    public IReadOnlyList<double> Weights => W;

    /// <summary>The bias.</summary>
    public double Bias { get; protected set; }

    /// <summary>w·x + b.</summary>
    public double Decision(SparseVector v) => v.Dot(W) + Bias;

    /// <summary>Optimises for <paramref name="c"/>; returns the passes made.</summary>
    public abstract int Solve(double c, double tolerance, int maxPasses, int seed);
}
