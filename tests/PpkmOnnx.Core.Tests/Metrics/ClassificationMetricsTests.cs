using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Tests.Metrics;

public class ClassificationMetricsTests
{
    private static readonly string[] Labels = { "negative", "neutral", "positive" };

    [Fact]
    public void MatchesHandComputedWeightedAndMacroAverages()
    {
        // gold:      0 0 0 1 1 2
        // predicted: 0 0 1 1 2 2
        // class 0: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8
        // class 1: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
        // class 2: tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2/3
        var m = ClassificationMetrics.Compute(new[] { 0, 0, 0, 1, 1, 2 }, new[] { 0, 0, 1, 1, 2, 2 }, Labels);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        Assert.Equal((1 + 0.5 + 0.5) / 3, m.MacroPrecision, 12);
        Assert.Equal((2.0 / 3 + 0.5 + 1) / 3, m.MacroRecall, 12);
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, m.MacroF1, 12);
        Assert.Equal((1 * 3 + 0.5 * 2 + 0.5 * 1) / 6, m.WeightedPrecision, 12);
        Assert.Equal((2.0 / 3 * 3 + 0.5 * 2 + 1 * 1) / 6, m.WeightedRecall, 12);
        Assert.Equal((0.8 * 3 + 0.5 * 2 + 2.0 / 3 * 1) / 6, m.WeightedF1, 12);
        Assert.Equal(new[] { 2, 1, 0 }, m.ConfusionMatrix[0]);
        Assert.Equal(new[] { 0, 1, 1 }, m.ConfusionMatrix[1]);
        Assert.Equal(new[] { 0, 0, 1 }, m.ConfusionMatrix[2]);
    }

    [Fact]
    public void ClassWithNoPredictionsHasZeroPrecisionAsScikitLearn()
    {
        // Everything predicted negative: neutral and positive are never predicted.
        var m = ClassificationMetrics.Compute(new[] { 0, 0, 1, 2 }, new[] { 0, 0, 0, 0 }, Labels);
        Assert.Equal(0.5, m.PerClass[0].Precision, 12);
        Assert.Equal(0, m.PerClass[1].Precision);
        Assert.Equal(0, m.PerClass[2].F1);
        Assert.Equal(0.5, m.Accuracy, 12);
        // weighted recall equals accuracy by construction
        Assert.Equal(m.Accuracy, m.WeightedRecall, 12);
        Assert.Equal((2.0 / 3) / 3, m.MacroF1, 12);
    }

    [Fact]
    public void RejectsMismatchedLengthsAndOutOfRangeLabels()
    {
        Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(new[] { 0, 1 }, new[] { 0 }, Labels));
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(new[] { 0, 3 }, new[] { 0, 1 }, Labels));
        Assert.Contains("index 1", e.Message);
    }
}
