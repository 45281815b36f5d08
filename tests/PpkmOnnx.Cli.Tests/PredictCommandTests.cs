using System.Globalization;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

public sealed class PredictCommandTests : IDisposable
{
    private static readonly string[] Texts =
    [
        "ppkm bagus sekali", "vaksin, buruk dan \"jelek\"", "di rumah aja\nlagi sedih", "pemerintah tidak suka bantuan sosial",
        "kasus corona naik di jakarta!", "pasar sepi, warga kerja", "senang vaksin turun?", "ramai @ pasar # ppkm",
        "sangat sangat senang sekali", "buruknya kerja pemerintah", "bantuan sosial bagus", "tidak ada apa apa",
    ];

    private readonly TempFolder _tmp = TestPaths.NewTempFolder();
    private readonly TinyPackage _model = TinyPackage.Create(5);
    private readonly string _package;

    public PredictCommandTests()
    {
        _package = _tmp.Combine("pkg");
        _model.WriteTo(_package);
    }

    public void Dispose() => _tmp.Dispose();

    private static Task<(int Code, string Out, string Err)> Run(string[] args, string? stdin = null) => CliInvocation.RunAsync(args, stdin);

    private string[] Args(string input, string output, params string[] more) =>
        ["predict", _package, "--input", input, "-o", output, "--provider", "cpu", "--threads", "1", .. more];

    private IReadOnlyList<ClassificationResult> Reference(IReadOnlyList<string> texts)
    {
        using var classifier = SentimentClassifier.Load(_package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1 });
        return classifier.Classify(texts);
    }

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private sealed record Prediction(long Row, string Text, string Label, float[] Probabilities);

    private static List<Prediction> ReadDelimited(string content, char delimiter)
    {
        using var reader = Sep.New(delimiter).Reader(o => o with { Unescape = true }).FromText(content);
        Assert.Equal(["row", "text", "label", .. TinyPackage.LabelNames.Select(l => "prob_" + l)], reader.Header.ColNames);
        var rows = new List<Prediction>();
        foreach (var r in reader)
        {
            var probabilities = new float[TinyPackage.LabelNames.Length];
            for (int c = 0; c < probabilities.Length; c++) probabilities[c] = float.Parse(r["prob_" + TinyPackage.LabelNames[c]].ToString(), CultureInfo.InvariantCulture);
            rows.Add(new Prediction(long.Parse(r["row"].ToString(), CultureInfo.InvariantCulture), r["text"].ToString(), r["label"].ToString(), probabilities));
        }
        return rows;
    }

    private static List<Prediction> ReadJsonLines(string content) =>
        content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            return new Prediction(o.GetProperty("row").GetInt64(), o.GetProperty("text").GetString()!, o.GetProperty("label").GetString()!,
                TinyPackage.LabelNames.Select(l => o.GetProperty("prob_" + l).GetSingle()).ToArray());
        }).ToList();

    /// <summary>Each prediction equals the library's classification of the same text, and the independent C# computation.</summary>
    private void AssertMatches(IReadOnlyList<string> texts, IReadOnlyList<long> rows, List<Prediction> predictions)
    {
        var expected = Reference(texts);
        Assert.Equal(texts, predictions.Select(p => p.Text));
        Assert.Equal(rows, predictions.Select(p => p.Row));
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(expected[i].Label, predictions[i].Label);
            Assert.Equal(1.0, predictions[i].Probabilities.Sum(p => (double)p), 5);
            var independent = _model.ExpectedProbabilities(_package, texts[i]);
            for (int c = 0; c < 3; c++)
            {
                Assert.Equal(expected[i].Probabilities[c], predictions[i].Probabilities[c], 6);
                Assert.Equal(independent[c], predictions[i].Probabilities[c], 5);
            }
        }
    }

    [Fact]
    public async Task Csv_ToCsv_RowsEqualClassifierInOrder()
    {
        var input = _tmp.Combine("in.csv");
        File.WriteAllText(input, "id,text\n" + string.Join("", Texts.Select((t, i) => $"{i},{Quote(t)}\n")));
        var output = _tmp.Combine("out", "pred.csv");
        var (code, stdout, stderr) = await Run(Args(input, output, "--batch-size", "5"));
        Assert.True(code == 0, stderr);
        AssertMatches(Texts, Enumerable.Range(1, Texts.Length).Select(i => (long)i).ToList(), ReadDelimited(File.ReadAllText(output), ','));
        var expected = Reference(Texts);
        var counts = string.Join(", ", TinyPackage.LabelNames.Select(l => $"{l} {expected.Count(r => r.Label == l)}"));
        Assert.Contains($"Predicted {Texts.Length} rows in ", stdout);
        Assert.Contains($"on CPUExecutionProvider (fp32): {counts}; 0 empty rows skipped.", stdout);
        Assert.Contains("text = text", stdout);
        Assert.Single(Directory.GetFiles(_tmp.Combine("out")));
    }

    [Fact]
    public async Task Tsv_LoneQuote_ToJsonl_KeepsQuoteAsText()
    {
        var texts = new[] { "kata \"ppkm lagi", "bagus sekali", "vaksin \"buruk\" jelek" };
        var input = _tmp.Combine("in.tsv");
        File.WriteAllText(input, "tweet\tsentiment\n" + string.Join("", texts.Select(t => t + "\t1\n")));
        var output = _tmp.Combine("pred.jsonl");
        var (code, stdout, stderr) = await Run(Args(input, output));
        Assert.True(code == 0, stderr);
        AssertMatches(texts, [1, 2, 3], ReadJsonLines(File.ReadAllText(output)));
        Assert.Contains("quotes read as text", stdout);
    }

    [Fact]
    public async Task Jsonl_EmptyTexts_SkippedAndCounted_ToTsv()
    {
        var input = _tmp.Combine("in.jsonl");
        File.WriteAllText(input, "{\"id\":1,\"text\":\"ppkm bagus\"}\n{\"id\":2,\"text\":\"\"}\n{\"id\":3,\"text\":\"warga sedih\\tlagi\"}\n{\"id\":4}\n");
        var output = _tmp.Combine("pred.tsv");
        var (code, stdout, stderr) = await Run(Args(input, output));
        Assert.True(code == 0, stderr);
        AssertMatches(["ppkm bagus", "warga sedih\tlagi"], [1, 3], ReadDelimited(File.ReadAllText(output), '\t'));
        Assert.Contains("; 2 empty rows skipped.", stdout);
    }

    [Fact]
    public async Task Stdin_ToStdout_DataOnStdout_SummaryOnStderr()
    {
        var texts = Texts.Where(t => !t.Contains('\n')).ToList();
        var (code, stdout, stderr) = await Run(Args("-", "-", "--format", "jsonl"), string.Join("\n", texts.Take(3)) + "\n\n" + string.Join("\r\n", texts.Skip(3)) + "\n");
        Assert.True(code == 0, stderr);
        // The blank line after the third text is an empty row: skipped, counted, and it keeps its row number.
        AssertMatches(texts, Enumerable.Range(1, texts.Count + 1).Where(i => i != 4).Select(i => (long)i).ToList(), ReadJsonLines(stdout));
        Assert.Contains($"Predicted {texts.Count} rows", stderr);
        Assert.Contains("; 1 empty rows skipped.", stderr);
    }

    [Fact]
    public async Task FiftyThousandRows_StreamInChunksOf64()
    {
        const int count = 50_000;
        var input = _tmp.Combine("big.csv");
        using (var w = new StreamWriter(input))
        {
            w.Write("text\n");
            for (int i = 0; i < count; i++) w.Write(Quote(Texts[i % Texts.Length] + " " + TinyPackage.TweetVocabulary[5 + i % 30]) + "\n");
        }
        var output = _tmp.Combine("big.csv.out.csv");
        var (code, stdout, stderr) = await Run(Args(input, output, "--batch-size", "64"));
        Assert.True(code == 0, stderr);
        Assert.Contains($"Predicted {count} rows", stdout);
        var distinct = Enumerable.Range(0, Texts.Length * 30).Select(i => Texts[i % Texts.Length] + " " + TinyPackage.TweetVocabulary[5 + i % 30]).Distinct().ToList();
        var expected = distinct.Zip(Reference(distinct)).ToDictionary(p => p.First, p => p.Second.Label);
        int n = 0;
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(output);
        foreach (var r in reader)
        {
            Assert.Equal(n + 1, long.Parse(r["row"].ToString(), CultureInfo.InvariantCulture));
            var text = r["text"].ToString();
            Assert.Equal(Texts[n % Texts.Length] + " " + TinyPackage.TweetVocabulary[5 + n % 30], text);
            Assert.Equal(expected[text], r["label"].ToString());
            n++;
        }
        Assert.Equal(count, n);
    }

    private async Task AssertFailsCleanly(string[] args, string expectedMessagePart, string outputFolder)
    {
        var (code, stdout, stderr) = await Run(args);
        Assert.Equal(2, code);
        Assert.DoesNotContain("Predicted", stdout);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(expectedMessagePart, stderr);
        Assert.True(!Directory.Exists(outputFolder) || Directory.GetFileSystemEntries(outputFolder).Length == 0, "partial output left behind");
    }

    private string SmallCsv()
    {
        var input = _tmp.Combine("small.csv");
        File.WriteAllText(input, "id,tweet\n1,ppkm bagus\n2,warga sedih\n");
        return input;
    }

    [Fact]
    public async Task MissingPackage_Exit2_NoOutput()
    {
        var outDir = _tmp.Combine("o1");
        await AssertFailsCleanly(["predict", _tmp.Combine("nope"), "--input", SmallCsv(), "-o", Path.Combine(outDir, "p.csv")], "model package folder not found", outDir);
    }

    [Fact]
    public async Task UnwritableOutput_Exit2_NamesTheOutput()
    {
        if (!OperatingSystem.IsLinux()) return; // procfs: no new files, whoever asks (root included)
        var (code, _, err) = await Run(Args(SmallCsv(), "/proc/ppkm-predict-test.csv"));
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: /proc/ppkm-predict-test.csv: cannot be written there (", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task MissingInput_Exit2_NoOutput()
    {
        var outDir = _tmp.Combine("o2");
        var missing = _tmp.Combine("missing.csv");
        await AssertFailsCleanly(Args(missing, Path.Combine(outDir, "p.csv")), $"{missing}: file not found.", outDir);
    }

    [Fact]
    public async Task UnknownTextColumn_Exit2_ListsColumns()
    {
        var outDir = _tmp.Combine("o3");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.csv"), "--text-column", "body"), "unknown text column 'body'; available columns: 'id', 'tweet'.", outDir);
    }

    [Fact]
    public async Task BadVariant_Exit2()
    {
        var outDir = _tmp.Combine("o4");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.csv"), "--variant", "int4"), "unknown model variant 'int4' (expected fp32, int8, int8-static or fp16).", outDir);
    }

    [Fact]
    public async Task VariantNotInPackage_Exit2_ListsAvailable()
    {
        var outDir = _tmp.Combine("o5");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.csv"), "--variant", "int8"), "variant is not in this package (available: fp32).", outDir);
    }

    [Fact]
    public async Task UnknownOutputExtension_Exit2()
    {
        var outDir = _tmp.Combine("o6");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.xlsx")), "cannot tell the output format from the extension", outDir);
    }

    [Fact]
    public async Task MalformedRowAfterSeveralChunks_Exit2_NoPartialFile()
    {
        var input = _tmp.Combine("broken.jsonl");
        var lines = Enumerable.Range(0, 149).Select(i => JsonSerializer.Serialize(new { text = Texts[i % Texts.Length] })).Append("{\"text\": oops}");
        File.WriteAllText(input, string.Join("\n", lines) + "\n");
        var outDir = _tmp.Combine("o7");
        await AssertFailsCleanly(Args(input, Path.Combine(outDir, "p.jsonl"), "--batch-size", "16"), $"{input}: line 150: not a JSON object", outDir);
    }

    [Fact]
    public async Task BatchSizeZero_Exit2()
    {
        var outDir = _tmp.Combine("o8");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.csv"), "--batch-size", "0"), "--batch-size must be from 1 to 4096, got 0.", outDir);
    }

    [Fact]
    public async Task NegativeParallelRuns_Exit2()
    {
        var outDir = _tmp.Combine("o8b");
        await AssertFailsCleanly(Args(SmallCsv(), Path.Combine(outDir, "p.csv"), "--parallel-runs", "-2"), "--parallel-runs must be from 0 to 256, got -2.", outDir);
    }

    [Fact]
    public async Task HeaderlessCsv_TextColumnByIndex()
    {
        var input = _tmp.Combine("noheader.csv");
        File.WriteAllText(input, "17,ppkm bagus,x\n18,\"warga sedih, pasar sepi\",y\n");
        var output = _tmp.Combine("pred.csv");
        var (code, stdout, stderr) = await Run(Args(input, output, "--text-column", "1"));
        Assert.True(code == 0, stderr);
        AssertMatches(["ppkm bagus", "warga sedih, pasar sepi"], [1, 2], ReadDelimited(File.ReadAllText(output), ','));
        Assert.Contains("no header, text = 1", stdout);
    }

    [Fact]
    public async Task Stdin_WithTextColumn_Exit2()
    {
        var (code, stdout, stderr) = await Run(Args("-", "-", "--text-column", "tweet"), "ppkm bagus\n");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"ppkm: error: --text-column tweet does not apply to standard input, which is read as one text a line.{Environment.NewLine}", stderr);
    }
}
