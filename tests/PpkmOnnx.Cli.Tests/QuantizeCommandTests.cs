using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// <c>ppkm quantize --data</c>: data the accuracy guard cannot use is refused before any work (exit 2, one line, the
/// package untouched).
/// </summary>
public sealed class QuantizeCommandTests
{
    private static (string Package, string Demo) TinyPackageAndDemo(TempFolder temp)
    {
        var package = temp.Combine("pkg");
        TinyPackage.Create(7).WriteTo(package);
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
}
