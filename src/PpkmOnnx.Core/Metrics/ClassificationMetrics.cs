namespace PpkmOnnx.Core.Metrics;

/// <summary>
/// Multi-class metrics with scikit-learn's conventions: a class with no predictions has precision 0
/// (<c>zero_division=0</c>); macro averages weigh classes equally, weighted averages by support.
/// </summary>
public sealed record ClassificationMetrics
{
    /// <summary>Fraction of exact matches.</summary>
    public required double Accuracy { get; init; }
    /// <summary>Support-weighted precision (the paper's "Precision").</summary>
    public required double WeightedPrecision { get; init; }
    /// <summary>Support-weighted recall.</summary>
    public required double WeightedRecall { get; init; }
    /// <summary>Support-weighted F1 (the paper's "F1-Score").</summary>
    public required double WeightedF1 { get; init; }
    /// <summary>Unweighted mean precision over classes.</summary>
    public required double MacroPrecision { get; init; }
    /// <summary>Unweighted mean recall over classes.</summary>
    public required double MacroRecall { get; init; }
    /// <summary>Unweighted mean F1 over classes.</summary>
    public required double MacroF1 { get; init; }
    /// <summary>Per-class metrics in label-id order.</summary>
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }
    /// <summary><c>ConfusionMatrix[gold][predicted]</c> counts.</summary>
    public required int[][] ConfusionMatrix { get; init; }
    /// <summary>Number of examples scored.</summary>
    public required int Count { get; init; }

    /// <summary>Computes the metrics of <paramref name="predicted"/> against <paramref name="gold"/>.</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a label id is out of range.</exception>
    public static ClassificationMetrics Compute(IReadOnlyList<int> gold, IReadOnlyList<int> predicted, IReadOnlyList<string> labelNames)
    {
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"gold has {gold.Count} labels but predicted has {predicted.Count}.");
        int k = labelNames.Count;
        var cm = new int[k][];
        for (int i = 0; i < k; i++) cm[i] = new int[k];
        int correct = 0;
        for (int i = 0; i < gold.Count; i++)
        {
            int g = gold[i], p = predicted[i];
            if ((uint)g >= (uint)k || (uint)p >= (uint)k)
                throw new ArgumentException($"label id out of range 0..{k - 1} at index {i} (gold {g}, predicted {p}).");
            cm[g][p]++;
            if (g == p) correct++;
        }
        var perClass = new List<ClassMetrics>(k);
        for (int c = 0; c < k; c++)
        {
            int tp = cm[c][c];
            int support = cm[c].Sum();
            int predictedCount = 0;
            for (int g = 0; g < k; g++) predictedCount += cm[g][c];
            double precision = predictedCount == 0 ? 0 : (double)tp / predictedCount;
            double recall = support == 0 ? 0 : (double)tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(labelNames[c], precision, recall, f1, support));
        }
        int n = gold.Count;
        double Weighted(Func<ClassMetrics, double> f) => n == 0 ? 0 : perClass.Sum(m => f(m) * m.Support) / n;
        double Macro(Func<ClassMetrics, double> f) => k == 0 ? 0 : perClass.Average(f);
        return new ClassificationMetrics
        {
            Accuracy = n == 0 ? 0 : (double)correct / n,
            WeightedPrecision = Weighted(m => m.Precision),
            WeightedRecall = Weighted(m => m.Recall),
            WeightedF1 = Weighted(m => m.F1),
            MacroPrecision = Macro(m => m.Precision),
            MacroRecall = Macro(m => m.Recall),
            MacroF1 = Macro(m => m.F1),
            PerClass = perClass,
            ConfusionMatrix = cm,
            Count = n,
        };
    }
}
