using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// <c>ppkm quantize --data</c>: data the accuracy guard cannot use is refused before any work (exit 2, one line, the
/// package untouched), and data naming the package's classes in another order is scored by name.
/// </summary>
public sealed class QuantizeCommandTests
{
    private static (string Package, string Demo) TinyPackageAndDemo(TempFolder temp, string[]? labels = null)
    {
        var package = temp.Combine("pkg");
        TinyPackage.Create(7).WriteTo(package, labels: labels);
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo);
        return (package, demo);
    }

    private static async Task AssertRefused(string package, string expectedError, params string[] args)
    {
        var before = Directory.GetFiles(package).Select(f => (f, File.GetLastWriteTimeUtc(f))).Order().ToArray();
        var (code, _, stderr) = await CliInvocation.RunAsync(["quantize", package, "--max-drop", "100", .. args]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {expectedError}", stderr.Trim());
        Assert.Equal(before, Directory.GetFiles(package).Select(f => (f, File.GetLastWriteTimeUtc(f))).Order().ToArray());
    }

    [Theory]
    [InlineData("1", false, 1)]
    [InlineData("5", false, 5)]
    // Every row also in the excluded file: none left.
    [InlineData("300", true, 0)]
    public async Task Too_few_rows_for_the_guards_validation_split_is_refused_as_data_split_refuses_it(string limit, bool excludeAll, int rows)
    {
        using var temp = TestPaths.NewTempFolder();
        var (package, demo) = TinyPackageAndDemo(temp);
        string[] exclude = excludeAll ? ["--exclude-texts-from", demo] : [];
        await AssertRefused(package, $"{demo}: 80/10/10 of {rows} rows leaves the validation split empty; the accuracy guard scores it, so use more rows.",
            ["--data", demo, "--limit", limit, .. exclude]);
    }

    [Theory]
    // Other names for three classes: matching by position would score them as if they were the package's.
    [InlineData("0=good,1=ok,2=bad", "[good, ok, bad]")]
    // Two classes for a three-class model.
    [InlineData("0=positive,1=negative,2=negative", "[negative, positive]")]
    public async Task Data_whose_classes_are_not_the_packages_is_refused_before_quantizing(string labels, string dataClasses)
    {
        using var temp = TestPaths.NewTempFolder();
        var (package, demo) = TinyPackageAndDemo(temp);
        await AssertRefused(package,
            $"{demo}: the data's classes {dataClasses} are not the package's [negative, neutral, positive] ({Path.Combine(package, "config.json")}); "
            + "the accuracy guard matches classes by name, so name them with --labels as the package does.",
            ["--data", demo, "--labels", labels]);
    }

    [Fact]
    public async Task The_packages_classes_in_another_order_are_scored_by_name()
    {
        using var temp = TestPaths.NewTempFolder();
        string[] packageClasses = ["neutral", "positive", "negative"];
        var (package, demo) = TinyPackageAndDemo(temp, packageClasses);
        var model = TinyPackage.Create(7);
        var (code, _, stderr) = await CliInvocation.RunAsync(["quantize", package, "--max-drop", "100", "--data", demo]);
        Assert.True(code == 0, stderr);

        // FP32 accuracy worked out independently: the model's class (by its id2label) against each row's class name.
        var validation = PreparedData.Prepare(new DataLoadOptions { Path = demo }).Split.Validation;
        Assert.Equal(["negative", "neutral", "positive"], validation.LabelNames);
        int right = validation.Rows.Count(r => packageClasses[model.Predict(model.TokenIds(package, r.Text))] == validation.LabelNames[r.Label]);
        int byPosition = validation.Rows.Count(r => model.Predict(model.TokenIds(package, r.Text)) == r.Label);
        Assert.NotEqual(right, byPosition); // the test tells the two apart
        var check = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "quantize.json")))!["variants"]!["int8"]!["checks"]!.AsArray()
            .Single(c => c!["set"]!.GetValue<string>() == "validation")!;
        Assert.Equal(validation.Rows.Count, check["count"]!.GetValue<int>());
        Assert.Equal((double)right / validation.Rows.Count, check["fp32"]!["accuracy"]!.GetValue<double>(), 12);
    }

    [Fact]
    public async Task An_exclusion_pattern_that_names_no_node_is_refused_before_any_work()
    {
        using var temp = TestPaths.NewTempFolder();
        var (package, _) = TinyPackageAndDemo(temp);
        var before = Directory.GetFiles(package).Select(f => (f, File.GetLastWriteTimeUtc(f))).Order().ToArray();
        var (code, _, stderr) = await CliInvocation.RunAsync(["quantize", package, "--exclude", "/bert/encoder/layer.99/*"]);
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: exclusion pattern '/bert/encoder/layer.99/*' names nothing int8 converts", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(before, Directory.GetFiles(package).Select(f => (f, File.GetLastWriteTimeUtc(f))).Order().ToArray());
    }
}
