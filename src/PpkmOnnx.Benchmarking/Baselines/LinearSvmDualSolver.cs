namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// A binary L2-regularised L2-loss (squared hinge) linear SVM trained by dual coordinate descent: LIBLINEAR's solver 1
/// (Hsieh et al. 2008; scikit-learn's <c>LinearSVC</c> default) without shrinking. It minimises
/// ½‖w‖² + C Σᵢ max(0, 1 − yᵢ (w·xᵢ + b))², the bias b being a constant feature of value 1 that is regularised like the
/// weights (LIBLINEAR's and scikit-learn's <c>intercept_scaling=1</c>). Coordinates are visited in a fresh seeded random
/// order every pass; it stops when the projected gradient's spread falls to the tolerance. <see cref="Solve"/> starts from
/// the current dual variables, so a grid of increasing C warm-starts.
/// </summary>
internal sealed class LinearSvmDualSolver : BinaryDualSolver
{
    private readonly double[] _alpha;

    /// <param name="x">Training vectors.</param>
    /// <param name="positive">Whether each vector is of the positive class.</param>
    /// <param name="dimension">Length of the weight vector (every feature id is below it).</param>
    public LinearSvmDualSolver(IReadOnlyList<SparseVector> x, IReadOnlyList<bool> positive, int dimension)
        : base(x, positive, dimension)
    {
        _alpha = new double[x.Count];
    }

    /// <summary>Optimises for <paramref name="c"/>; returns the passes made.</summary>
    public override int Solve(double c, double tolerance, int maxPasses, int seed)
    {
        if (!(c > 0)) throw new ArgumentException($"C must be positive, got {c}.");
        double diag = 0.5 / c;
        var order = Enumerable.Range(0, X.Count).ToArray();
        var rng = new Random(seed);
        int pass = 0;
        while (pass < maxPasses)
        {
            pass++;
            rng.Shuffle(order);
            double pgMax = double.NegativeInfinity, pgMin = double.PositiveInfinity;
            foreach (int i in order)
            {
                double g = Y[i] * Decision(X[i]) - 1 + diag * _alpha[i];
                double pg = _alpha[i] == 0 ? Math.Min(g, 0) : g;
                pgMax = Math.Max(pgMax, pg);
                pgMin = Math.Min(pgMin, pg);
                if (Math.Abs(pg) <= 1e-12) continue;
                double old = _alpha[i];
                _alpha[i] = Math.Max(old - g / (SquaredNorms[i] + diag), 0);
                double step = (_alpha[i] - old) * Y[i];
                X[i].AddTo(W, step);
                Bias += step;
            }
            if (pgMax - pgMin <= tolerance) break;
        }
        return pass;
    }
}
