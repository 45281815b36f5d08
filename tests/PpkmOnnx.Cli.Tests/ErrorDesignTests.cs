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
