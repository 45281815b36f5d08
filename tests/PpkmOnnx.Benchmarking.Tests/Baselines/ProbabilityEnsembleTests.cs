using PpkmOnnx.Benchmarking.Baselines;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Benchmarking.Tests.Baselines;

public sealed class ProbabilityEnsembleTests
{
    private static readonly string[] Labels = ["negative", "neutral", "positive"];

    [Fact]
    public void Logistic_regression_probabilities_are_the_normalised_sigmoids_of_the_decision_values()
    {
        // One document, one feature: "kata" gets tf-idf 1 (sublinear tf 1, smooth idf ln(2/2) + 1 = 1, L2 norm 1),
        // so the decision values are the weights plus the biases: 2, 0.5, -1.
        var vectorizer = TfidfNgramVectorizer.Fit(["kata"], 1, 0, 1, true);
        var model = new TfidfLinearModel(vectorizer, LinearModelKind.LogisticRegression, [[2.0], [0.0], [-1.0]], [0, 0.5, 0]);
        Assert.Equal([2.0, 0.5, -1.0], model.Decision("kata"));
        // sigmoid(2, 0.5, -1) = 0.880797, 0.622459, 0.268941; over their sum 1.772197:
        var p = model.Probabilities("kata");
        Assert.Equal(0.4970083, p[0], 6);
        Assert.Equal(0.3512358, p[1], 6);
        Assert.Equal(0.1517559, p[2], 6);
        Assert.Equal(0, model.Predict("kata"));
        var svm = new TfidfLinearModel(vectorizer, LinearModelKind.LinearSvm, [[2.0], [0.0], [-1.0]], [0, 0.5, 0]);
        Assert.Throws<InvalidOperationException>(() => svm.Probabilities("kata"));
    }

    [Fact]
    public void Mix_weighs_the_first_model_by_w_and_the_second_by_one_minus_w()
    {
        Assert.Equal([0.25f, 0.35f, 0.4f], ProbabilityEnsemble.Mix([0.1f, 0.2f, 0.7f], [0.4, 0.5, 0.1], 0.5));
        Assert.Equal([0.4f, 0.5f, 0.1f], ProbabilityEnsemble.Mix([0.1f, 0.2f, 0.7f], [0.4, 0.5, 0.1], 0.0));
        Assert.Throws<ArgumentException>(() => ProbabilityEnsemble.Mix([0.5f, 0.5f], [0.2, 0.3, 0.5], 0.5));
    }

    [Fact]
    public void The_weight_is_the_first_with_the_best_validation_macro_f1()
    {
        // Row 1 (gold negative): the first model is right with 0.6, the second wrong (neutral 0.9).
        // Row 2 (gold neutral): the first model wrong (negative 0.7), the second right with 0.8.
        // Row 3 (gold positive): both right.
        // Row 1 is right when 0.6w + 0.05(1-w) > 0.2w + 0.9(1-w), i.e. w > 0.85/1.25 = 0.68;
        // row 2 is right when 0.2w + 0.8(1-w) > 0.7w + 0.1(1-w), i.e. w < 0.7/1.2 = 0.583.
        // No weight gets both; every weight up to 0.5 gets row 2 and every one from 0.7 gets row 1 (0.6 gets neither),
        // all with the same macro-F1, so the first, 0, wins.
        IReadOnlyList<IReadOnlyList<float>> first = [[0.6f, 0.2f, 0.2f], [0.7f, 0.2f, 0.1f], [0.1f, 0.1f, 0.8f]];
        IReadOnlyList<IReadOnlyList<double>> second = [[0.05, 0.9, 0.05], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
        var validation = new TextClassificationDataset([new("a", 0), new("b", 1), new("c", 2)], Labels);
        var (weight, grid) = ProbabilityEnsemble.ChooseWeight(first, second, validation);
        Assert.Equal(0.0, weight);
        Assert.Equal(11, grid.Count);
        Assert.Equal(1.0 / 3, grid.Single(g => g.Weight == 0.6).Validation.MacroF1, 6);   // only row 3 right: positive F1 1, others 0
        Assert.Equal(2.0 / 3, grid.Single(g => g.Weight == 0.5).Validation.Accuracy, 6);
        Assert.Equal(2.0 / 3, grid.Single(g => g.Weight == 0.7).Validation.Accuracy, 6);
    }
}
