using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Baselines;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Benchmarking.Tests.Baselines;

public sealed class TfidfBaselineTests
{
    private static readonly string[] Labels = ["negative", "neutral", "positive"];

    /// <summary>
    /// Tweets whose class is set by one cue word among shared filler, so a bag-of-n-grams model must find the cue:
    /// "kecewa" negative, "informasi" neutral, "mantap" positive. Every split gets its own sentences.
    /// </summary>
    private static DatasetSplit CueSplit(int seed)
    {
        string[] cues = ["kecewa", "informasi", "mantap"];
        string[] filler = ["ppkm", "jakarta", "hari", "ini", "warga", "pasar", "vaksin", "kota", "level", "darurat", "lagi", "pemerintah"];
        var rng = new Random(seed);
        TextClassificationDataset Make(int perClass, string source) => new(
            Enumerable.Range(0, perClass * 3).Select(i =>
            {
                int label = i % 3;
                var words = Enumerable.Range(0, rng.Next(4, 9)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
                words.Insert(rng.Next(words.Count + 1), cues[label]);
                return new LabelledText(string.Join(' ', words), label);
            }).ToList(), Labels, source);
        return new DatasetSplit(Make(40, "train"), Make(10, "validation"), Make(10, "test"), seed);
    }

    [Theory]
    [InlineData(LinearModelKind.LinearSvm)]
    [InlineData(LinearModelKind.LogisticRegression)]
    public void Finds_the_cue_word_and_scores_with_its_own_predictions(LinearModelKind kind)
    {
        var split = CueSplit(3);
        var result = TfidfBaseline.Run(split, new TfidfBaselineOptions { Model = kind, CharNgramLength = 3 });

        Assert.Equal(1.0, result.Validation.Accuracy);
        Assert.Equal(1.0, result.Test.Accuracy);
        // The reported test metrics are those of the predictions it returns, counted here by hand.
        var gold = split.Test.Rows.Select(r => r.Label).ToArray();
        Assert.Equal(gold.Length, result.TestPredictions.Count);
        Assert.Equal(gold.Zip(result.TestPredictions).Count(p => p.First == p.Second) / (double)gold.Length, result.Test.Accuracy);
        Assert.Equal(Labels, result.Labels);
        Assert.True(result.FeatureCount > 20, $"only {result.FeatureCount} features");
    }

    [Fact]
    public void Noisy_labels_are_not_memorised_into_the_test_split_and_runs_repeat()
    {
        // Flip one training label in six at random: the cue still wins on clean test rows, but train is not fitted perfectly.
        var clean = CueSplit(5);
        var rng = new Random(9);
        var noisyTrain = clean.Train with { Rows = clean.Train.Rows.Select(r => rng.Next(6) == 0 ? r with { Label = (r.Label + 1) % 3 } : r).ToList() };
        var split = clean with { Train = noisyTrain };
        var options = new TfidfBaselineOptions { CharNgramLength = 0, WordNgramLength = 1 };
        var first = TfidfBaseline.Run(split, options);
        var second = TfidfBaseline.Run(split, options);

        Assert.True(first.Test.Accuracy >= 0.9, $"test accuracy {first.Test.Accuracy}");
        Assert.True(first.Train.Accuracy < 1.0, "a linear model on unigrams cannot fit random flips");
        Assert.Equal(first.TestPredictions, second.TestPredictions);
    }

    [Fact]
    public void C_is_chosen_on_validation_and_the_test_split_cannot_change_it()
    {
        var split = CueSplit(4);
        var options = new TfidfBaselineOptions { CharNgramLength = 2, CGrid = [0.001, 0.01, 1] };
        var first = TfidfBaseline.Run(split, options);
        // Another test split (every label flipped) must not move the choice or the validation figures.
        var flipped = split with { Test = split.Test with { Rows = split.Test.Rows.Select(r => r with { Label = (r.Label + 1) % 3 }).ToList() } };
        var second = TfidfBaseline.Run(flipped, options);

        Assert.Equal(first.C, second.C);
        Assert.Equal(first.Validation.MacroF1, second.Validation.MacroF1);
        Assert.Equal(0.0, second.Test.Accuracy);
        Assert.Equal([0.001, 0.01, 1], first.Grid.Select(g => g.C));
        // The kept C is the grid's best validation macro-F1, the smallest C among equals.
        var bestF1 = first.Grid.Max(g => g.Validation.MacroF1);
        Assert.Equal(first.Grid.First(g => g.Validation.MacroF1 == bestF1).C, first.C);
    }

    [Fact]
    public void Evaluation_set_is_scored_with_the_chosen_model_and_must_share_the_labels()
    {
        var split = CueSplit(6);
        var extra = CueSplit(8).Test;
        var result = TfidfBaseline.Run(split, new TfidfBaselineOptions { CharNgramLength = 0 }, extra);
        Assert.Equal(extra.Rows.Count, result.Evaluation!.Count);
        Assert.Equal(1.0, result.Evaluation.Accuracy);

        var other = extra with { LabelNames = ["neg", "neu", "pos"] };
        Assert.Contains("labels", Assert.Throws<UserInputException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions(), other)).Message);
    }

    [Fact]
    public void Bad_options_name_the_setting()
    {
        var split = CueSplit(1);
        Assert.Contains("word n-gram", Assert.Throws<ArgumentException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions { WordNgramLength = 0 })).Message);
        Assert.Contains("char n-gram", Assert.Throws<ArgumentException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions { CharNgramLength = -1 })).Message);
        Assert.Contains("iterations", Assert.Throws<ArgumentException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions { Iterations = 0 })).Message);
        Assert.Contains("C must", Assert.Throws<ArgumentException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions { CGrid = [1, -1] })).Message);
        Assert.Contains("document frequency", Assert.Throws<ArgumentException>(() => TfidfBaseline.Run(split, new TfidfBaselineOptions { MinDocumentFrequency = 0 })).Message);
    }
}
