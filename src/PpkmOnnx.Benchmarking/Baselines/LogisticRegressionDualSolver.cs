namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// A binary L2-regularised logistic regression trained by dual coordinate descent with a Newton step per coordinate:
/// LIBLINEAR's solver 7 (Yu, Huang and Lin 2011; scikit-learn's <c>LogisticRegression(solver='liblinear')</c>). It
/// minimises ½‖w‖² + C Σᵢ ln(1 + exp(−yᵢ (w·xᵢ + b))), the bias b a regularised constant feature of value 1. Each dual
/// variable pair (αᵢ, C − αᵢ) stays strictly inside (0, C); it stops when the largest sub-problem gradient falls to the
/// tolerance. <see cref="Solve"/> starts over for each C (the dual box changes with C).
/// </summary>
internal sealed class LogisticRegressionDualSolver : BinaryDualSolver
{
    private const int MaxInnerIterations = 100;

    /// <param name="x">Training vectors.</param>
    /// <param name="positive">Whether each vector is of the positive class.</param>
    /// <param name="dimension">Length of the weight vector (every feature id is below it).</param>
    public LogisticRegressionDualSolver(IReadOnlyList<SparseVector> x, IReadOnlyList<bool> positive, int dimension)
        : base(x, positive, dimension)
    {
    }

    /// <summary>Optimises for <paramref name="c"/> from scratch; returns the passes made.</summary>
    public override int Solve(double c, double tolerance, int maxPasses, int seed)
    {
        if (!(c > 0)) throw new ArgumentException($"C must be positive, got {c}.");
        int n = X.Count;
        var alpha = new double[2 * n];
        Array.Clear(W);
        Bias = 0;
        for (int i = 0; i < n; i++)
        {
            alpha[2 * i] = Math.Min(0.001 * c, 1e-8);
            alpha[2 * i + 1] = c - alpha[2 * i];
            X[i].AddTo(W, Y[i] * alpha[2 * i]);
            Bias += Y[i] * alpha[2 * i];
        }
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        double innerEps = 1e-2, innerEpsMin = Math.Min(1e-8, tolerance);
        int pass = 0;
        while (pass < maxPasses)
        {
            pass++;
            rng.Shuffle(order);
            double gMax = 0;
            int newtonSteps = 0;
            foreach (int i in order)
            {
                double yi = Y[i], xisq = SquaredNorms[i];
                double ywTx = yi * Decision(X[i]);
                int ind1 = 2 * i, ind2 = 2 * i + 1;
                double sign = 1;
                if (0.5 * xisq * (alpha[ind2] - alpha[ind1]) + ywTx < 0)
                {
                    (ind1, ind2) = (ind2, ind1);
                    sign = -1;
                }
                // g(z) = z ln z + (C − z) ln(C − z) + ½ xisq (z − old)² + sign · ywTx · (z − old), minimised by Newton.
                double old = alpha[ind1];
                double z = old;
                if (c - z < 0.5 * c) z *= 0.1;
                double gp = xisq * (z - old) + sign * ywTx + Math.Log(z / (c - z));
                gMax = Math.Max(gMax, Math.Abs(gp));
                int inner = 0;
                while (inner <= MaxInnerIterations && Math.Abs(gp) >= innerEps)
                {
                    double gpp = xisq + c / (c - z) / z;
                    double next = z - gp / gpp;
                    z = next <= 0 ? z * 0.1 : next;
                    gp = xisq * (z - old) + sign * ywTx + Math.Log(z / (c - z));
                    inner++;
                }
                newtonSteps += inner;
                if (inner == 0) continue;
                alpha[ind1] = z;
                alpha[ind2] = c - z;
                double step = sign * (z - old) * yi;
                X[i].AddTo(W, step);
                Bias += step;
            }
            if (gMax < tolerance) break;
            if (newtonSteps <= n / 10) innerEps = Math.Max(innerEpsMin, 0.1 * innerEps);
        }
        return pass;
    }
}
