using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Baselines;

/// <summary>
/// Two models' class probabilities averaged with a weight, w·p₁ + (1 − w)·p₂, the weight chosen on the validation split's
/// macro-F1 from 0, 0.1, …, 1 (the first best on ties; the test split never takes part).
/// </summary>
public static class ProbabilityEnsemble
{
    /// <summary>The weights of the first model tried.</summary>
    public static IReadOnlyList<double> WeightGrid { get; } = Enumerable.Range(0, 11).Select(i => i / 10.0).ToArray();

    /// <summary>w·<paramref name="first"/> + (1 − w)·<paramref name="second"/>, class by class.</summary>
    /// <exception cref="ArgumentException">The rows have different lengths.</exception>
    public static float[] Mix(IReadOnlyList<float> first, IReadOnlyList<double> second, double weight)
    {
        if (first.Count != second.Count) throw new ArgumentException($"{first.Count} probabilities against {second.Count}: the models have different classes.");
        var mixed = new float[first.Count];
        for (int c = 0; c < mixed.Length; c++) mixed[c] = (float)(weight * first[c] + (1 - weight) * second[c]);
        return mixed;
    }

    /// <summary>The class each mixed row picks.</summary>
    public static int[] Predict(IReadOnlyList<IReadOnlyList<float>> first, IReadOnlyList<IReadOnlyList<double>> second, double weight) =>
        first.Select((row, i) => ClassScores.ArgMax(Mix(row, second[i], weight))).ToArray();

    /// <summary>Scores every weight of <see cref="WeightGrid"/> on <paramref name="validation"/> and returns the best with the whole grid.</summary>
    /// <param name="first">The first model's probabilities of each validation row.</param>
    /// <param name="second">The second model's.</param>
    /// <param name="validation">The rows, for their gold labels and label names.</param>
    public static (double Weight, IReadOnlyList<(double Weight, ClassificationMetrics Validation)> Grid) ChooseWeight(
        IReadOnlyList<IReadOnlyList<float>> first, IReadOnlyList<IReadOnlyList<double>> second, TextClassificationDataset validation)
    {
        var gold = validation.Rows.Select(r => r.Label).ToArray();
        var grid = WeightGrid.Select(w => (w, ClassificationMetrics.Compute(gold, Predict(first, second, w), validation.LabelNames))).ToList();
        var bestMacroF1 = grid.Max(g => g.Item2.MacroF1);
        return (grid.First(g => g.Item2.MacroF1 == bestMacroF1).w, grid);
    }
}
