using PpkmOnnx.Benchmarking.Baselines;

namespace PpkmOnnx.Benchmarking.Tests.Baselines;

/// <summary>The dual logistic-regression solver reaches the primal optimum worked out by hand.</summary>
public sealed class LogisticRegressionDualSolverTests
{
    private static SparseVector X(double value) => new([0], [value]);

    [Fact]
    public void SymmetricPoints_SatisfyWEquals2COver1PlusExpW()
    {
        // x = +1 (positive), −1 (negative): ½w² + ½b² + C[ln(1 + e^−(w+b)) + ln(1 + e^−(w−b))]; by symmetry b = 0 and
        // w − 2C e^−w / (1 + e^−w) = 0, i.e. w = 2C / (1 + e^w). For C = 1, bisection on that scalar equation gives
        // w = 0.6748316143.
        var solver = new LogisticRegressionDualSolver([X(1), X(-1)], [true, false], 1);
        solver.Solve(1, 1e-10, 10_000, seed: 3);
        Assert.Equal(0.6748316143423994, solver.Weights[0], 7);
        Assert.Equal(0, solver.Bias, 7);
        Assert.Equal(0.6748316143423994, solver.Decision(X(1)), 7);
    }

    [Fact]
    public void NonPositiveC_IsRejected()
    {
        var solver = new LogisticRegressionDualSolver([X(1)], [true], 1);
        Assert.Throws<ArgumentException>(() => solver.Solve(-1, 0.1, 10, 1));
    }
}
