using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>Reader anomalies through the real <c>ppkm</c>: a stray quote is one error line and exit 2; a ragged row is reported and read.</summary>
public sealed class ReaderAnomalyCliTests : IDisposable
{
    private readonly TempFolder _tmp = TestPaths.NewTempFolder();

    public void Dispose() => _tmp.Dispose();

    private string Write(string name, Func<int, string?> replace)
    {
        var lines = new List<string> { "Tweet,Class" };
        for (int i = 1; i <= 100; i++) lines.Add(replace(i) ?? $"tweet nomor {i} tentang ppkm,{(i - 1) % 3 + 1}");
        var path = _tmp.Combine(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void An_unbalanced_quote_is_one_error_line_naming_file_and_line()
    {
        var path = Write("unbalanced.csv", i => i == 11 ? "\"tweet nomor 11 tanpa tutup,2" : null);
        var r = PpkmProcess.Run(_tmp.Path, "data", "inspect", path, "--labels", "1=negative,2=neutral,3=positive");
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stdout}{r.Stderr}");
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ppkm: error: {path}: line 12: a quoted field starting in this row runs over 90 line(s)", line);
    }

    [Fact]
    public void A_ragged_row_below_the_threshold_is_reported_and_read()
    {
        var path = Write("ragged.csv", i => i == 50 ? "tweet nomor 50,2,sisa" : null);
        var r = PpkmProcess.Run(_tmp.Path, "data", "inspect", path, "--labels", "1=negative,2=neutral,3=positive");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Reader: 1 ragged row(s) (first at line 51), 0 quote(s) swallowing rows.", r.Stdout);
    }
}
