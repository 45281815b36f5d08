using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>bench.json records the settings the run measured with: explicit sizes win over <c>--quick</c>, and what <c>--quick</c> chose is named.</summary>
public sealed class BenchRecordTests
{
    [Fact]
    public async Task Quick_fills_only_what_was_not_given_and_the_record_says_which()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = temp.Combine("pkg");
        TinyPackage.Create(3).WriteTo(package);
        var data = temp.Combine("demo.tsv");
        DemoDataset.Write(data);
        var (code, _, error) = await CliInvocation.RunAsync(["bench", package, "--data", data, "-o", temp.Combine("bench"), "--quick", "--repeats", "2",
            "--provider", "cpu", "--threads", "1"]);
        Assert.True(code == 0, error);
        var settings = JsonNode.Parse(File.ReadAllText(temp.Combine("bench", "bench.json")))!["settings"]!;
        Assert.Equal(2, settings["repeats"]!.GetValue<int>());
        Assert.Equal(5, settings["iterations"]!.GetValue<int>());
        Assert.Equal([1, 8, 32], settings["batchSizes"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(["sequences 64,data", "iterations 5", "batch sizes 1,8,32"], settings["chosenByQuick"]!.AsArray().Select(n => n!.GetValue<string>()));
    }
}
