using System.Text.Json.Nodes;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

public sealed class BaselineCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliInvocation.RunAsync(args);

    [Fact]
    public async Task Demo_data_baseline_writes_metrics_for_the_same_split_as_train()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        var (code, output, error) = await Run("baseline", "--data", data, "-o", tmp.Combine("out"), "--models", "svm");
        Assert.True(code == 0, error);
        Assert.Contains("linear SVM", output);

        var json = JsonNode.Parse(File.ReadAllText(tmp.Combine("out", "baseline.json")))!;
        var split = PreparedData.Prepare(new DataLoadOptions { Path = data }).Split;
        Assert.Equal(split.Fingerprint, json["data"]!["fingerprint"]!.GetValue<string>());
        var svm = json["models"]!.AsArray().Single()!;
        Assert.Equal(split.Test.Rows.Count, svm["test"]!["count"]!.GetValue<int>());
        // The demo tweets carry their class in their words (5 % label noise): far above the majority class's third.
        Assert.True(svm["test"]!["accuracy"]!.GetValue<double>() > 0.8, svm.ToJsonString());
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_made_is_one_line_exit_2()
    {
        if (!OperatingSystem.IsLinux()) return; // procfs: no new folders, whoever asks (root included)
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        var (code, _, error) = await Run("baseline", "--data", data, "-o", "/proc/ppkm-baseline-test", "--models", "logreg");
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: /proc/ppkm-baseline-test: cannot create the output folder (", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Unknown_model_is_one_line_exit_2_and_nothing_written()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        var (code, _, error) = await Run("baseline", "--data", data, "-o", tmp.Combine("out"), "--models", "svm,forest");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: --models takes svm and/or logreg, got 'forest'.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(tmp.Combine("out")));
    }

    [Fact]
    public async Task Ensemble_with_a_package_scores_the_transformer_as_an_independent_computation_does_and_writes_predictions()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        var package = tmp.Combine("package");
        var tiny = TinyPackage.Create(3);
        tiny.WriteTo(package);
        var unlabelled = tmp.Combine("corpus.txt");
        File.WriteAllText(unlabelled, "harga naik terus\nvaksin gratis mantap\ninfo ppkm hari ini\n");

        var (code, _, error) = await Run("baseline", "--data", data, "-o", tmp.Combine("out"), "--models", "logreg", "--ensemble-with", package, "--predict", unlabelled);

        Assert.True(code == 0, error);
        var json = JsonNode.Parse(File.ReadAllText(tmp.Combine("out", "baseline.json")))!;
        var ensemble = json["ensemble"]!;
        // The transformer's test accuracy, recomputed from the tiny package's hand-written forward pass.
        var test = PreparedData.Prepare(new DataLoadOptions { Path = data }).Split.Test;
        double expected = test.Rows.Count(r => ArgMax(tiny.ExpectedProbabilities(package, r.Text)) == r.Label) / (double)test.Rows.Count;
        Assert.Equal(expected, ensemble["test"]!["transformer_accuracy"]!.GetValue<double>(), 9);
        // The n-gram side is the logistic regression the baseline reports (probabilities' argmax = decision values' argmax).
        Assert.Equal(json["models"]![0]!["test"]!["accuracy"]!.GetValue<double>(), ensemble["test"]!["ngram_accuracy"]!.GetValue<double>(), 9);
        var weight = ensemble["transformer_weight"]!.GetValue<double>();
        Assert.Contains(weight, new[] { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 });

        var lines = File.ReadAllLines(tmp.Combine("out", "predictions.csv"));
        Assert.Equal("row,text,label,prob_negative,prob_neutral,prob_positive", lines[0]);
        Assert.Equal(4, lines.Length);
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            var p = cells[3..].Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 5);
            Assert.Equal(TinyPackage.LabelNames[ArgMax(p)], cells[2]);
        }
    }

    [Fact]
    public async Task Ensemble_with_a_package_naming_the_classes_in_another_order_scores_and_writes_each_class_by_its_name()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        var package = tmp.Combine("package");
        var tiny = TinyPackage.Create(3);
        string[] packageClasses = ["neutral", "positive", "negative"]; // output column c is packageClasses[c]
        tiny.WriteTo(package, labels: packageClasses);
        var unlabelled = tmp.Combine("corpus.txt");
        File.WriteAllText(unlabelled, "harga naik terus\nvaksin gratis mantap\ninfo ppkm hari ini\n");

        var (code, _, error) = await Run("baseline", "--data", data, "-o", tmp.Combine("out"), "--models", "logreg", "--ensemble-with", package, "--predict", unlabelled);

        Assert.True(code == 0, error);
        var ensemble = JsonNode.Parse(File.ReadAllText(tmp.Combine("out", "baseline.json")))!["ensemble"]!;
        var test = PreparedData.Prepare(new DataLoadOptions { Path = data }).Split.Test;
        Assert.Equal(TinyPackage.LabelNames, test.LabelNames);
        int byName = test.Rows.Count(r => packageClasses[ArgMax(tiny.ExpectedProbabilities(package, r.Text))] == test.LabelNames[r.Label]);
        int byPosition = test.Rows.Count(r => ArgMax(tiny.ExpectedProbabilities(package, r.Text)) == r.Label);
        Assert.NotEqual(byName, byPosition); // the test tells the two apart
        Assert.Equal(byName / (double)test.Rows.Count, ensemble["test"]!["transformer_accuracy"]!.GetValue<double>(), 9);

        // Predictions are written as ppkm predict writes this package: its classes, in its order.
        var lines = File.ReadAllLines(tmp.Combine("out", "predictions.csv"));
        Assert.Equal("row,text,label,prob_neutral,prob_positive,prob_negative", lines[0]);
        foreach (var cells in lines.Skip(1).Select(l => l.Split(',')))
        {
            var p = cells[3..].Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(1.0, p.Sum(), 5);
            Assert.Equal(packageClasses[ArgMax(p)], cells[2]);
        }
    }

    [Theory]
    [InlineData(new[] { "--models", "logreg", "--predict", "corpus.txt" }, "--predict writes the ensemble's predictions: give --ensemble-with PACKAGE too.")]
    [InlineData(new[] { "--models", "svm", "--ensemble-with", "package" }, "--ensemble-with averages probabilities, which only the logistic regression gives: include logreg in --models.")]
    public async Task Ensemble_options_without_what_they_need_are_one_line_exit_2(string[] args, string message)
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("demo.csv");
        DemoDataset.Write(data);
        File.WriteAllText(tmp.Combine("corpus.txt"), "teks\n");
        var resolved = args.Select(a => a is "corpus.txt" or "package" ? tmp.Combine(a) : a).ToArray();
        var (code, _, error) = await Run(["baseline", "--data", data, "-o", tmp.Combine("out"), .. resolved]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {message}{Environment.NewLine}", error);
        Assert.False(Directory.Exists(tmp.Combine("out")));
    }

    private static int ArgMax(IReadOnlyList<double> values) => Enumerable.Range(0, values.Count).Aggregate((best, i) => values[i] > values[best] ? i : best);
}
