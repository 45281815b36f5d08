using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Reporting;

public class ReportGeneratorTests
{
    private static readonly ReportOptions Options = new()
    {
        PublishedResults = [new PublishedResult("IndoBERT", 0.8912, 0.8901, 0.8907, 0.8899, "2h 10m", "124M", "Table 1")],
        PublishedSource = "the PPKM paper",
    };

    [Fact]
    public void The_quality_table_has_the_paper_layout_and_our_numbers()
    {
        using var temp = TestPaths.NewTempFolder();
        var files = ReportGenerator.Write([SampleReports.Create()], temp.Path, Options);
        var md = File.ReadAllText(files.MarkdownPath);

        Assert.Contains("| Model | Accuracy | Precision | Recall | F1-Score | Running Time | Trainable Params |", md);
        // Hand: fp32 predictions give per-class P = 1, .75, .8; R = .75, .75, 1; F1 = 6/7, .75, 8/9 (equal supports, so weighted = mean).
        Assert.Contains("| tiny-bert (fp32) | 83.33% | 85.00% | 83.33% | 83.20% | 1h 02m 03s | 4,386,051 |", md);
        // int8: P = 1, .6, .8; R = .5, .75, 1; F1 = 2/3, 2/3, 8/9.
        Assert.Contains("| tiny-bert (int8) | 75.00% | 80.00% | 75.00% | 74.07% | 1h 02m 03s | 4,386,051 |", md);
        Assert.Contains("| Majority class (negative) | 33.33% | 11.11% | 33.33% | 16.67% | — | 0 |", md);
        Assert.Contains("| IndoBERT (paper, Table 1) | 89.12% | 89.01% | 89.07% | 88.99% | 2h 10m | 124M |", md);
        Assert.Contains("Rows marked (paper) are published values from the PPKM paper: measured on a different dataset and different hardware", md);
    }

    [Fact]
    public void The_quantization_table_compares_each_variant_with_fp32()
    {
        using var temp = TestPaths.NewTempFolder();
        var files = ReportGenerator.Write([SampleReports.Create()], temp.Path, Options);
        var md = File.ReadAllText(files.MarkdownPath);

        Assert.Contains("Latency: batch 1, sequence data; throughput: batch 8, sequence data.", md);
        Assert.Contains("| fp32 | CPU | 17.60 | 4,386,051 | 4.00 | 5.50 | 250.0 | 1.00× | 83.33% | +0.00 pp | 83.20% | +0.00 pp |", md);
        // Δ macro-F1 = (2/3 + 2/3 + 8/9)/3 − (6/7 + 3/4 + 8/9)/3 = −0.0913.
        Assert.Contains("| int8 | CPU | 4.50 | 4,386,051 | 2.00 | 2.50 | 500.0 | 2.00× | 75.00% | −8.33 pp | 74.07% | −9.13 pp |", md);
        Assert.Contains("Not measured: fp16:", md);
        Assert.Contains("| int8, seq 32 | 625.0 (1.60 ms) | 450.0 (6.00 ms) |", md);
    }

    [Fact]
    public void Per_class_tables_and_confusion_matrices_hold_the_counts()
    {
        using var temp = TestPaths.NewTempFolder();
        var files = ReportGenerator.Write([SampleReports.Create()], temp.Path, Options);
        var md = File.ReadAllText(files.MarkdownPath);
        Assert.Contains("| neutral | 60.00% | 75.00% | 66.67% | 4 |", md);
        Assert.Contains("| gold \\ predicted | negative | neutral | positive |", md);
        Assert.Contains("| negative | 2 | 2 | 0 |", md);
        Assert.Contains("| negative | 3 | 1 | 0 |", md);

        var html = File.ReadAllText(files.HtmlPath);
        Assert.Contains("<td style=\"background: rgba(31,119,180,0.75)\">3</td>", html);
        Assert.Contains("<td>IndoBERT (paper, Table 1)</td>", html);
    }

    [Fact]
    public void Charts_are_valid_svg_and_png_files_and_the_html_embeds_them_without_network()
    {
        using var temp = TestPaths.NewTempFolder();
        var options = Options with { ChartWidth = 640, ChartHeight = 400 };
        var files = ReportGenerator.Write([SampleReports.Create()], temp.Path, options);

        var stems = files.ChartPaths.Select(p => Path.GetFileNameWithoutExtension(p)!).Distinct().Order().ToArray();
        Assert.Equal(new[] { "accuracy-vs-latency", "size", "throughput-tiny-bert", "training-tiny-bert" }, stems);
        foreach (var png in files.ChartPaths.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
        {
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
            Assert.Equal(640, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
            Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        }
        var svgs = files.ChartPaths.Where(p => p.EndsWith(".svg", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, svgs.Count);
        foreach (var svg in svgs) Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);

        var html = File.ReadAllText(files.HtmlPath);
        Assert.DoesNotContain("://", html);
        var embedded = Regex.Matches(html, "src=\"data:image/svg\\+xml;base64,([A-Za-z0-9+/=]+)\"").Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))).ToList();
        Assert.Equal(4, embedded.Count);
        Assert.Contains(File.ReadAllText(Path.Combine(temp.Path, "charts", "size.svg")), embedded);

        var md = File.ReadAllText(files.MarkdownPath);
        Assert.Contains("](charts/training-tiny-bert.png)", md);
    }

    [Fact]
    public void Several_runs_get_their_own_rows_and_distinct_chart_files()
    {
        using var temp = TestPaths.NewTempFolder();
        var second = SampleReports.Create() with { Title = "gpu box" };
        var files = ReportGenerator.Write([SampleReports.Create(), second], temp.Path, new ReportOptions());
        var md = File.ReadAllText(files.MarkdownPath);
        Assert.Contains("| tiny-bert (fp32) — sample |", md);
        Assert.Contains("| tiny-bert (fp32) — gpu box |", md);
        Assert.Equal(16, files.ChartPaths.Distinct().Count());
        Assert.All(files.ChartPaths, p => Assert.True(File.Exists(p), p));
    }

    [Fact]
    public void No_reports_is_an_error()
    {
        using var temp = TestPaths.NewTempFolder();
        Assert.Throws<ArgumentException>(() => ReportGenerator.Write([], temp.Path));
        Assert.Throws<ArgumentException>(() => ReportGenerator.Write([SampleReports.Create()], temp.Path, new ReportOptions { ChartWidth = 10 }));
    }
}
