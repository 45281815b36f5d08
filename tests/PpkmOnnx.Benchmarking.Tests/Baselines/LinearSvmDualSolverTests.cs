using PpkmOnnx.Benchmarking.Baselines;

namespace PpkmOnnx.Benchmarking.Tests.Baselines;

/// <summary>The dual coordinate-descent SVM reaches the primal optimum worked out by hand.</summary>
public sealed class LinearSvmDualSolverTests
{
    private static SparseVector X(double value) => value == 0 ? new SparseVector([], []) : new SparseVector([0], [value]);

    [Fact]
    public void SymmetricPoints_GiveW4COver1Plus4CAndNoBias()
    {
        // x = +1 (positive), −1 (negative). Minimise ½w² + ½b² + C[(1 − w − b)² + (1 − w + b)²]: by symmetry b = 0 and
        // w − 4C(1 − w) = 0 → w = 4C / (1 + 4C): 0.8 for C = 1, 0.5 for C = 0.25.
        var solver = new LinearSvmDualSolver([X(1), X(-1)], [true, false], 1);
        solver.Solve(0.25, 1e-10, 10_000, seed: 1);
        Assert.Equal(0.5, solver.Weights[0], 8);
        solver.Solve(1, 1e-10, 10_000, seed: 1);   // warm start from C = 0.25
        Assert.Equal(0.8, solver.Weights[0], 8);
        Assert.Equal(0, solver.Bias, 8);
    }

    [Fact]
    public void AsymmetricPoints_SolveTheTwoByTwoStationarityEquations()
    {
        // x = 2 (positive), 0 (negative), C = 1: ½w² + ½b² + (1 − 2w − b)² + (1 + b)², both margins violated.
        // ∂w: w − 4(1 − 2w − b) = 0 → 9w + 4b = 4;  ∂b: b − 2(1 − 2w − b) + 2(1 + b) = 0 → 4w + 5b = 0.
        // → w = 20/29 = 0.6896551724, b = −16/29 = −0.5517241379.
        var solver = new LinearSvmDualSolver([X(2), X(0)], [true, false], 1);
        int passes = solver.Solve(1, 1e-10, 10_000, seed: 7);
        Assert.Equal(20.0 / 29, solver.Weights[0], 8);
        Assert.Equal(-16.0 / 29, solver.Bias, 8);
        Assert.True(passes > 1 && passes < 10_000, $"{passes} passes");
        Assert.Equal(20.0 / 29 * 2 - 16.0 / 29, solver.Decision(X(2)), 8);
    }

    [Fact]
    public void NonPositiveC_IsRejected()
    {
        var solver = new LinearSvmDualSolver([X(1)], [true], 1);
        Assert.Throws<ArgumentException>(() => solver.Solve(0, 0.1, 10, 1));
    }
}
