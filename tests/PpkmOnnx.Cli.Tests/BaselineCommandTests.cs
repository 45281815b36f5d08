using System.Text.Json.Nodes;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

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
}
