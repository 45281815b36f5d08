using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using PpkmOnnx.Server.CommandLine;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// The CLI's error design, through the real <c>ppkm</c> process: bad input (command line, files, fields, ports) is one line
/// <c>ppkm: error: …</c> and exit code 2; anything else is an internal error, one line, exit code 1, with the stack trace
/// in a log file (and on standard error with <c>--verbose</c>).
/// </summary>
public sealed class ErrorDesignTests : IDisposable
{
    private readonly TempFolder _tmp = TestPaths.NewTempFolder();
    private readonly string _package;
    private readonly string _input;

    public ErrorDesignTests()
    {
        _package = _tmp.Combine("pkg");
        TinyPackage.Create(3).WriteTo(_package);
        _input = _tmp.Combine("in.txt");
        File.WriteAllText(_input, "ppkm bagus\nvaksin buruk\n");
    }

    public void Dispose() => _tmp.Dispose();

    private static void AssertUserError(PpkmProcess.Result r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ppkm: error: ", line);
        foreach (var m in mentions) Assert.Contains(m, line);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    // -o '' names nothing: data split wrote into the current folder, data demo, tokenizer train and pretrained import
    // failed with .NET's "The value cannot be an empty string" as an internal error. The rule is the command tree's, so
    // every command with --output refuses it at parse time, before any input is read.
    [Theory]
    [InlineData("data", "split", "missing.tsv")]
    [InlineData("data", "demo")]
    [InlineData("tokenizer", "train", "missing.txt")]
    [InlineData("pretrained", "import", "minilm")]
    [InlineData("export", "missing-checkpoint")]
    [InlineData("predict", "missing-package", "--input", "missing.txt")]
    [InlineData("train", "missing-model", "--data", "missing.tsv")]
    [InlineData("bench", "missing-package", "--data", "missing.tsv")]
    [InlineData("baseline", "--data", "missing.tsv")]
    public async Task An_empty_output_path_is_a_one_line_parse_error_for_every_command(params string[] command)
    {
        foreach (var output in new[] { "", "  " })
        {
            var (code, stdout, stderr) = await CliInvocation.RunAsync([.. command, "-o", output]);
            Assert.True(code == 2, $"exit {code}: {stderr}");
            Assert.Equal("", stdout);
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"ppkm: error: --output must name a file or folder, got an empty path. (see ppkm {command[0]}", line);
        }
    }

    [Fact]
    public async Task An_empty_input_path_is_a_one_line_error_not_an_internal_one()
    {
        var (code, stdout, stderr) = await CliInvocation.RunAsync(["predict", _package, "-i", "", "-o", _tmp.Combine("p.csv")]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: --input must name a file, or - for standard input; got an empty path.{Environment.NewLine}", stderr);
        Assert.Equal("", stdout);
        // An empty --data reaches the output checks first: they skip it, and the data reader names the problem.
        (code, _, stderr) = await CliInvocation.RunAsync(["bench", _package, "--data", "", "-o", _tmp.Combine("b")]);
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(_tmp.Combine("p.csv")) || Directory.Exists(_tmp.Combine("b")));
    }

    [Theory]
    [InlineData("--calibration applies only with --mode static", "quantize", "{pkg}", "--calibration", "entropy")]
    [InlineData("--calibration-samples applies only with --mode static", "quantize", "{pkg}", "--mode", "fp16", "--calibration-samples", "10")]
    [InlineData("--quantize-embeddings applies only with --mode dynamic", "quantize", "{pkg}", "--mode", "static", "--quantize-embeddings")]
    [InlineData("--per-tensor applies only to the int8 modes (dynamic, static)", "quantize", "{pkg}", "--mode", "fp16", "--per-tensor")]
    [InlineData("--reduce-range applies only to the int8 modes (dynamic, static)", "quantize", "{pkg}", "--mode", "fp16", "--reduce-range", "true")]
    [InlineData("--triton-name applies only with --triton-repo (it names the model there)", "export", "{tmp}/ckpt", "-o", "{tmp}/out", "--triton-name", "m")]
    [InlineData("--pseudo-limit applies only with --pseudo-labels FILE", "train", "{tmp}/ckpt", "--data", "{in}", "-o", "{tmp}/out", "--pseudo-limit", "5")]
    [InlineData("--pseudo-min-confidence applies only with --pseudo-labels FILE", "distill", "{tmp}/ckpt", "--data", "{in}", "-o", "{tmp}/out", "--pseudo-min-confidence", "0.5")]
    public async Task An_option_that_would_be_ignored_is_refused_in_one_line(string message, params string[] template)
    {
        var before = Directory.GetFiles(_package).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray();
        var args = template.Select(a => a.Replace("{pkg}", _package).Replace("{tmp}", _tmp.Path).Replace("{in}", _input)).ToArray();
        var (code, stdout, stderr) = await CliInvocation.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {message}; it would be ignored here.{Environment.NewLine}", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(before, Directory.GetFiles(_package).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToArray());
        Assert.False(Directory.Exists(_tmp.Combine("out")));
    }

    // A bench.json with every required field (values typed by hand) and one model measured in no variant.
    private const string BenchWithoutVariants = """
        {
          "schemaVersion": 1,
          "createdUtc": "2026-01-02T03:04:05+00:00",
          "environment": { "cpuModel": "c", "logicalProcessors": 1, "instructionSets": [], "executionProviderRequested": "cpu",
                           "executionProvidersUsed": ["CPU"], "onnxRuntimeVersion": "1", "dotNetVersion": "d", "operatingSystem": "o" },
          "settings": { "repeats": 1, "iterations": 2, "warmupIterations": 0, "batchSizes": [], "sequences": [], "evaluationBatchSize": 8 },
          "dataset": { "count": 1, "labelNames": ["a"], "classCounts": [1] },
          "baseline": { "labelId": 0, "label": "a", "metrics": { "accuracy": 1, "weightedPrecision": 1, "weightedRecall": 1, "weightedF1": 1,
            "macroPrecision": 1, "macroRecall": 1, "macroF1": 1, "perClass": [], "confusionMatrix": [[1]], "count": 1 } },
          "models": [ { "name": "m", "packageFolder": "/p/m", "maxLength": 8, "parameterCount": 10,
                        "tokenLengths": { "mean": 3, "p50": 3, "p95": 3, "max": 3, "truncated": 0 }, "variants": [] } ]
        }
        """;

    [Fact]
    public async Task A_bench_file_with_nothing_measured_is_refused_instead_of_an_empty_report()
    {
        var bench = _tmp.Combine("bench.json");
        File.WriteAllText(bench, BenchWithoutVariants);
        var (code, _, stderr) = await CliInvocation.RunAsync(["report", bench, "-o", _tmp.Combine("report"), "--published", "none"]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {bench}: model 'm' has no measured variant, so there is nothing to report for it.{Environment.NewLine}", stderr);
        var noModels = System.Text.Json.Nodes.JsonNode.Parse(BenchWithoutVariants)!;
        noModels["models"] = new System.Text.Json.Nodes.JsonArray();
        File.WriteAllText(bench, noModels.ToJsonString());
        (code, _, stderr) = await CliInvocation.RunAsync(["report", bench, "-o", _tmp.Combine("report"), "--published", "none"]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {bench}: the bench file holds no model results, so there is nothing to report.{Environment.NewLine}", stderr);
        Assert.False(Directory.Exists(_tmp.Combine("report")));
    }

    [Fact]
    public void Parse_errors_are_one_line_naming_the_option_not_the_usage()
    {
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", _package, "-i", _input, "-o", "a.csv", "--bogus"), "--bogus", "ppkm predict --help");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", _package, "-i", _input, "-o", "a.csv", "-o", "b.csv"), "'-o'");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", _package, "-i", _input), "'--output' is required");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "serve", _package, "--max-queue-delay-ms", "NaN"), "--max-queue-delay-ms", "finite", "NaN");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", _package, "-i", _input, "-o", "a.csv", "--threads", "5000"), "--threads", "5000");
    }

    [Theory]
    [InlineData("train")]
    [InlineData("distill")]
    public void An_attention_kernel_other_than_eager_or_fused_is_a_one_line_error(string command)
    {
        var result = PpkmProcess.Run(_tmp.Path, command, _package, "--data", _input, "-o", "out", "--attention", "bogus");
        AssertUserError(result, "--attention", "bogus", "'eager'", "'fused'");
        Assert.DoesNotContain('\t', result.Stderr); // System.CommandLine separates the allowed values with tabs
        Assert.False(Directory.Exists(_tmp.Combine("out")));
    }

    [Theory]
    [InlineData("train", "--precision", "'fp32'", "'bf16'")]
    [InlineData("distill", "--dropout", "'libtorch'", "'counter'")]
    [InlineData("adapt", "--precision", "'fp32'", "'bf16'")]
    [InlineData("adapt", "--dropout", "'libtorch'", "'counter'")]
    public void A_precision_or_dropout_kernel_out_of_its_choices_is_a_one_line_error(string command, string flag, string first, string second)
    {
        var result = PpkmProcess.Run(_tmp.Path, command, _package, "--data", _input, "-o", "out", flag, "bogus");
        AssertUserError(result, flag, "bogus", first, second);
        Assert.False(Directory.Exists(_tmp.Combine("out")));
    }

    [Theory]
    [InlineData("train", true)]
    [InlineData("distill", true)]
    [InlineData("adapt", false)] // masked-LM adaptation exists to train the embeddings
    public void The_compute_and_freezing_options_are_documented_in_help(string command, bool freezesEmbeddings)
    {
        var r = PpkmProcess.Run(_tmp.Path, command, "--help");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.Contains("--attention", r.Stdout);
        Assert.Contains("scaled_dot_product_attention", r.Stdout);
        Assert.Contains("--precision", r.Stdout);
        Assert.Contains("AMX-BF16", r.Stdout);
        Assert.Contains("--dropout", r.Stdout);
        Assert.Contains("counter-based hash", r.Stdout);
        Assert.Equal(freezesEmbeddings, r.Stdout.Contains("--freeze-embeddings"));
        if (freezesEmbeddings) Assert.Contains("token-type tables and their LayerNorm", r.Stdout);
    }

    [Fact]
    public void Bad_files_and_fields_are_one_line_errors_naming_them()
    {
        // An output whose folder is an existing file.
        File.WriteAllText(_tmp.Combine("taken"), "x");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", _package, "-i", _input, "-o", "taken/out.csv", "--provider", "cpu"), "taken", "is a file");

        // A config.json field of the wrong JSON type.
        var broken = _tmp.Combine("broken-config");
        TinyPackage.Create(3).WriteTo(broken);
        var configPath = Path.Combine(broken, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["max_position_embeddings"] = "512";
        File.WriteAllText(configPath, config.ToJsonString());
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", broken, "-i", _input, "-o", "b.csv", "--provider", "cpu"),
            "config.json: max_position_embeddings: must be an integer, got \"512\"");

        // A model.onnx that is not ONNX.
        var notOnnx = _tmp.Combine("not-onnx");
        TinyPackage.Create(3).WriteTo(notOnnx);
        File.WriteAllText(Path.Combine(notOnnx, "model.onnx"), "this is not a protobuf");
        AssertUserError(PpkmProcess.Run(_tmp.Path, "predict", notOnnx, "-i", _input, "-o", "c.csv"), "model.onnx", "cannot load");
        Assert.Empty(Directory.GetFiles(_tmp.Path, "*.csv*"));
    }

    [Fact]
    public void Serve_on_a_port_in_use_is_a_one_line_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var r = PpkmProcess.Run(_tmp.Path, "serve", _package, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--provider", "cpu");
        AssertUserError(r, $"127.0.0.1:{port}", "in use");
        AssertNoFailureLogged(r);
    }

    [Theory]
    [InlineData("notaurl", "'notaurl' is not an address")]
    [InlineData("ftp://127.0.0.1:1", "the scheme 'ftp' cannot be served")]
    [InlineData("http://127.0.0.1:80B0", "the port is not a number")]
    [InlineData("http://127.0.0.1:99999", "port 99999 is out of range")]
    [InlineData(";", "no address to listen on")]
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no interface has it, so binding fails (EADDRNOTAVAIL).
    [InlineData("http://192.0.2.1:18733", "http://192.0.2.1:18733: cannot listen: ")]
    public void Serve_on_an_address_it_cannot_listen_on_is_a_one_line_error(string urls, string mention)
    {
        var r = PpkmProcess.Run(_tmp.Path, "serve", _package, "--urls", urls, "--provider", "cpu");
        AssertUserError(r, "--urls: ", mention);
        AssertNoFailureLogged(r);
    }

    [Fact]
    public void Serve_of_a_variant_the_package_lacks_is_one_line_and_logs_no_failure()
    {
        var r = PpkmProcess.Run(_tmp.Path, "serve", "-m", $"a={_package}:fp16", "--port", "1", "--provider", "cpu");
        AssertUserError(r, "model 'a' cannot be served: ", "fp16");
        AssertNoFailureLogged(r);
    }

    // A start that fails is its one error line: the server's log (standard output) names no failure and prints no stack trace.
    private static void AssertNoFailureLogged(PpkmProcess.Result r)
    {
        Assert.DoesNotContain("fail:", r.Stdout);
        Assert.DoesNotContain("   at ", r.Stdout);
        Assert.DoesNotContain("Exception", r.Stdout);
    }

    [Fact]
    public void An_output_the_system_refuses_is_bad_input_naming_it()
    {
        // procfs takes no new files, whoever asks: the user's to fix with another -o, not a bug.
        var r = PpkmProcess.Run(_tmp.Path, "data", "demo", "-o", "/proc/ppkm-cannot-write-here.tsv");
        AssertUserError(r, "ppkm: error: /proc/ppkm-cannot-write-here.tsv: cannot be written there (");
    }

    [Fact]
    public async Task Anything_else_is_an_internal_error_with_the_stack_trace_in_a_log()
    {
        // No ppkm command is known to fail the way a bug does, so a command that does is run through ppkm's own host and error mapping.
        var root = CommandLineHost.Prepare(new RootCommand(), "ppkm");
        var broken = new Command("broken");
        broken.SetAction(new Func<ParseResult, int>(_ => throw new InvalidOperationException("Sequence contains no elements")));
        root.Subcommands.Add(broken);

        var error = new StringWriter();
        Assert.Equal(1, await CommandLineHost.RunAsync("ppkm", root, ["broken"], TextWriter.Null, error));
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ppkm: internal error: InvalidOperationException: Sequence contains no elements (a bug; stack trace in ", line);
        Assert.EndsWith("; --verbose prints it)", line.TrimEnd());
        var log = System.Text.RegularExpressions.Regex.Match(line, @"stack trace in (\S+\.log)").Groups[1].Value;
        Assert.True(File.Exists(log), line);
        Assert.Contains("   at ", File.ReadAllText(log));
        File.Delete(log);

        var verbose = new StringWriter();
        Assert.Equal(1, await CommandLineHost.RunAsync("ppkm", root, ["broken", "--verbose"], TextWriter.Null, verbose));
        Assert.Contains("   at ", verbose.ToString());
        File.Delete(System.Text.RegularExpressions.Regex.Match(verbose.ToString(), @"stack trace in (\S+\.log)").Groups[1].Value);
    }
}
