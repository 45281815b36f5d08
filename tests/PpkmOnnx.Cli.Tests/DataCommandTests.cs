using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PpkmOnnx.Core;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

public sealed class DataCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliInvocation.RunAsync(args);

    // --labels that merge every raw value into one name used to write a one-class split (exit 0) that data inspect and
    // train then refused; the mapping is now refused up front, with the reader's words, and nothing is written.
    [Fact]
    public async Task Split_with_labels_merged_into_one_class_is_refused_before_writing()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = tmp.Combine("small.tsv");
        File.WriteAllText(data, string.Concat(Enumerable.Range(0, 30).Select(i => $"teks nomor {i}\t{(i % 3) switch { 0 => "positive", 1 => "neutral", _ => "negative" }}\n")));
        var (code, output, error) = await Run("data", "split", data, "--labels", "positive=x,negative=x,neutral=x", "-o", tmp.Combine("s2"));
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal("ppkm: error: --labels: 'positive=x,negative=x,neutral=x' maps every value to the single class 'x'; a classifier needs at least 2 classes."
            + Environment.NewLine, error);
        Assert.False(Directory.Exists(tmp.Combine("s2")));
    }

    // A file output ending in '/' names a folder: data demo used to create that folder and then fail with .NET's
    // "Could not find a part of the path"; now one line in ppkm's words, and nothing is created.
    [Fact]
    public async Task Demo_to_a_path_ending_in_a_slash_is_refused_and_creates_nothing()
    {
        using var tmp = TestPaths.NewTempFolder();
        var target = tmp.Combine("out", "newdir2") + "/";
        var (code, output, error) = await Run("data", "demo", "-o", target);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"ppkm: error: {target}: ends in '/', so it names a folder (which does not exist), not a file; name a file for the output.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(tmp.Combine("out")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path));
    }

    [Fact]
    public async Task Inspect_MissingFile_ExitCode2_OneLineError()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("missing.tsv");
        var (code, output, error) = await Run("data", "inspect", path);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"ppkm: error: {path}: file not found.{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Inspect_BadLabels_names_the_flag_the_library_setting_came_from()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, output, error) = await Run("data", "inspect", path, "--labels", "0=negative,0=positive");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"ppkm: error: --labels: raw value '0' is mapped twice.{Environment.NewLine}", error);
    }

    [Fact]
    public async Task Inspect_WrongEncoding_ExitCode2_NamesLine()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("latin1.csv");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes("text,label\nbagus,positive\njelek,negative\ncafé,neutral\n"));
        var (code, _, error) = await Run("data", "inspect", path);
        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"ppkm: error: {path}: line 4: invalid UTF-8", error);
    }

    [Fact]
    public async Task Inspect_UnknownColumn_ListsColumns()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, _, error) = await Run("data", "inspect", path, "--text-column", "text");
        Assert.Equal(2, code);
        Assert.Contains("unknown text column 'text'; available columns: 'Date', 'User', 'Tweet', 'sentiment'.", error);
    }

    [Fact]
    public async Task Inspect_Json_ReportsMappingSourceCountsAndBaseline()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, output, error) = await Run("data", "inspect", path, "--json", "--limit", "300", "--seed", "3");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("0=positive, 1=neutral, 2=negative", root.GetProperty("labelMapping").GetString());
        Assert.Equal("builtInDefault", root.GetProperty("labelMappingSource").GetString());
        Assert.Equal(300, root.GetProperty("rows").GetInt32());
        Assert.Equal(600, root.GetProperty("cleaning").GetProperty("rowsKept").GetInt32());
        var classes = root.GetProperty("classes").EnumerateArray().ToList();
        Assert.Equal(["negative", "neutral", "positive"], classes.Select(c => c.GetProperty("name").GetString()));
        // Independent check of the counts: the demo file's own sentiment column, halved by the stratified limit (±1).
        var raw = File.ReadLines(path).Skip(1).Select(l => l.Split('\t')[3]).ToList();
        int[] expected = [raw.Count(v => v == "2"), raw.Count(v => v == "1"), raw.Count(v => v == "0")];
        for (int c = 0; c < 3; c++) Assert.InRange(classes[c].GetProperty("count").GetInt32(), expected[c] / 2 - 1, expected[c] / 2 + 1);
        double majority = classes.Max(c => c.GetProperty("count").GetInt32()) / 300.0;
        Assert.Equal(majority, root.GetProperty("majorityBaselineAccuracy").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tokenLengths").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("knownAs").ValueKind);
        Assert.Equal(KnownDataFiles.GitBlobId(path), root.GetProperty("gitBlobId").GetString());
    }

    [Fact]
    public async Task Inspect_Table_NamesWhereTheMappingCameFrom()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, output, _) = await Run("data", "inspect", path);
        Assert.Equal(0, code);
        Assert.Contains("Labels: 0=positive, 1=neutral, 2=negative (built-in default for the Kaggle INA_TweetsPPKM header", output);
        Assert.Contains("Majority-class baseline:", output);

        var (userCode, userOutput, _) = await Run("data", "inspect", path, "--labels", "0=negative,1=neutral,2=positive");
        Assert.Equal(0, userCode);
        Assert.Contains("Labels: 0=negative, 1=neutral, 2=positive (given by --labels)", userOutput);
    }

    [SkippableFact]
    public async Task Inspect_WithTokenizer_ReportsPercentiles()
    {
        var vocab = TestPaths.SharedFile("data", "vocab", "indobenchmark__indobert-base-p1");
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, output, _) = await Run("data", "inspect", path, "--tokenizer", vocab, "--max-length", "16", "--json");
        Assert.Equal(0, code);
        var tokens = JsonDocument.Parse(output).RootElement.GetProperty("tokenLengths");
        double p50 = tokens.GetProperty("p50").GetDouble(), p99 = tokens.GetProperty("p99").GetDouble();
        int max = tokens.GetProperty("max").GetInt32();
        // Against the tokenizer directly, and numpy's default (linear) percentile written out by hand.
        var tokenizer = PpkmOnnx.Core.Tokenization.BertWordPieceTokenizer.FromFolder(vocab);
        var texts = DatasetReader.Read(new DataLoadOptions { Path = path }).Dataset.Rows.Select(r => r.Text).ToList();
        var lengths = texts.Select(t => (double)tokenizer.EncodeToIds(t).Count).Order().ToArray();
        double NumpyLinear(double q)
        {
            double position = (lengths.Length - 1) * q;
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, lengths.Length - 1);
            return lengths[below] + (position - below) * (lengths[above] - lengths[below]);
        }
        Assert.Equal(NumpyLinear(0.50), p50, 6);
        Assert.Equal(NumpyLinear(0.99), p99, 6);
        double truncated = texts.Count(t => tokenizer.EncodeToIds(t).Count > 16) / (double)texts.Count;
        Assert.Equal(truncated, tokens.GetProperty("truncatedShare").GetDouble(), 12);
        Assert.Equal(texts.Max(t => tokenizer.EncodeToIds(t).Count), max);
    }

    [Fact]
    public async Task Split_TooFewRowsForAValidationSplit_Exit2_NothingWritten()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, _, error) = await Run("data", "split", path, "-o", tmp.Combine("a"), "--limit", "3");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {path}: 80/10/10 of 3 rows leaves the validation split empty; split more rows.", error.Trim());
        Assert.False(Directory.Exists(tmp.Combine("a")));
    }

    [Fact]
    public async Task Split_WritesReadableParts_SameBytesEachRun()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path);
        var (code, output, error) = await Run("data", "split", path, "-o", tmp.Combine("a"), "--seed", "9");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("Labels: 0=positive, 1=neutral, 2=negative", output);
        Assert.Equal(0, (await Run("data", "split", path, "-o", tmp.Combine("b"), "--seed", "9")).Code);
        Assert.Equal(0, (await Run("data", "split", path, "-o", tmp.Combine("c"), "--seed", "10")).Code);
        foreach (var part in new[] { "train.tsv", "validation.tsv", "test.tsv", "split.json" })
            Assert.Equal(Sha(tmp.Combine("a", part)), Sha(tmp.Combine("b", part)));
        Assert.NotEqual(Sha(tmp.Combine("a", "train.tsv")), Sha(tmp.Combine("c", "train.tsv")));

        var parts = new[] { "train", "validation", "test" }
            .Select(p => (p, DatasetReader.Read(new DataLoadOptions { Path = tmp.Combine("a", p + ".tsv") }).Dataset)).ToList();
        Assert.Equal([480, 60, 60], parts.Select(p => p.Dataset.Rows.Count));
        using var summary = JsonDocument.Parse(File.ReadAllText(tmp.Combine("a", "split.json")));
        Assert.Equal(DatasetFingerprint.Compute(parts), summary.RootElement.GetProperty("fingerprint").GetString());
        Assert.Equal(9, summary.RootElement.GetProperty("seed").GetInt32());
        Assert.Equal("ppkm", summary.RootElement.GetProperty("tool").GetString());
        Assert.Equal(PpkmOnnx.Core.Platform.ToolInfo.Version, summary.RootElement.GetProperty("tool_version").GetString());
    }

    [Fact]
    public async Task Demo_WritesTheGeneratorsBytes()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("out", "demo.csv");
        var (code, output, _) = await Run("data", "demo", "-o", path, "--seed", "5");
        Assert.Equal(0, code);
        Assert.Contains("600 synthetic tweets", output);
        Assert.Equal(DemoDataset.ToText(5), File.ReadAllText(path));
    }

    [Fact]
    public void DataOptions_MapToLoadOptions()
    {
        var options = DataOptions.Create();
        var command = new System.CommandLine.Command("train");
        options.Add(command);
        var parsed = command.Parse(["--data", "x.tsv", "--text-column", "Tweet", "--label-column", "1", "--labels", "0=positive,1=neutral,2=negative", "--limit", "1000", "--conflicts", "keep"]);
        Assert.Empty(parsed.Errors);
        var load = options.ToLoadOptions(parsed);
        Assert.Equal(new DataLoadOptions
        {
            Path = "x.tsv", TextColumn = "Tweet", LabelColumn = "1", Labels = "0=positive,1=neutral,2=negative", Limit = 1000, Seed = 42, Conflicts = ConflictPolicy.Keep,
        }, load);
        var noData = command.Parse([]);
        Assert.Throws<UserInputException>(() => options.ToLoadOptions(noData));
    }

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
