using System.CommandLine;
using PpkmOnnx.Cli.Commands;
using PpkmOnnx.Core;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// Runs the ppkm command line: the entry point's logic, callable in-process with captured output (tests).
/// Exit codes: 0 success; 2 bad input (a parse error or a <see cref="UserInputException"/>: one line <c>ppkm: error: …</c>);
/// 130 cancelled (Ctrl-C, SIGTERM); 1 anything else, which is a bug: one line, the stack trace in a log file
/// (and on standard error with <c>--verbose</c>).
/// </summary>
internal static class CliRunner
{
    /// <summary>Exit code of bad input.</summary>
    public const int UserErrorExitCode = 2;
    /// <summary>Exit code of an unexpected exception (a bug).</summary>
    public const int InternalErrorExitCode = 1;
    /// <summary>Exit code of a cancelled command (128 + SIGINT).</summary>
    public const int CancelledExitCode = 130;

    /// <summary><c>--verbose</c>: on every command, prints the stack trace of an internal error.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print the stack trace of an internal error (it always goes to a log file).", Recursive = true };

    /// <summary>The root command with every command of <see cref="CommandCatalog"/>.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("ppkm: fine-tune BERT-family sentiment classifiers, export them to ONNX, quantize, serve and benchmark them. No Python.");
        root.Options.Add(Verbose);
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        OptionRules.RequireRanges(root);
        return root;
    }

    private static readonly AsyncLocal<TextReader?> Input = new();

    /// <summary>Standard input of the running invocation: the reader given to <see cref="RunAsync"/>, else the console's.</summary>
    public static TextReader StandardInput => Input.Value ?? Console.In;

    /// <summary>Parses and runs <paramref name="args"/>; user errors print <c>ppkm: error: …</c> on one line and return 2.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output (the console's when null).</param>
    /// <param name="error">Standard error (the console's when null).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="input">Standard input for commands that read it (<c>predict --input -</c>); the console's when null.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default,
        TextReader? input = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        Input.Value = input;
        var parseResult = CreateRoot().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // A mistyped command line is bad input like any other: one line naming the problem, not the whole usage.
            error.WriteLine($"ppkm: error: {OneLine(parseResult.Errors[0].Message)} (see {CommandPath(parseResult)} --help)");
            return UserErrorExitCode;
        }
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (UserInputException e)
        {
            // Bad input is the user's to fix: one line, no stack trace.
            error.WriteLine($"ppkm: error: {OneLine(e.Message)}");
            return UserErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("ppkm: cancelled.");
            return CancelledExitCode;
        }
        catch (Exception e)
        {
            ReportInternalError(e, parseResult.GetValue(Verbose), error);
            return InternalErrorExitCode;
        }
    }

    // A bug: a short line for the user, the whole story for the report.
    private static void ReportInternalError(Exception e, bool verbose, TextWriter error)
    {
        string? log = null;
        try
        {
            log = Path.Combine(Path.GetTempPath(), $"ppkm-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            File.WriteAllText(log, $"ppkm {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{DateTime.UtcNow:O}\n{e}\n");
        }
        catch (Exception logFailure) when (logFailure is IOException or UnauthorizedAccessException)
        {
            log = null;
        }
        var where = log is null ? "" : $"; stack trace in {log}";
        error.WriteLine($"ppkm: internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug{where}{(verbose ? "" : "; --verbose prints it")})");
        if (verbose) error.WriteLine(e.ToString());
    }

    private static string CommandPath(ParseResult parseResult)
    {
        var names = new List<string>();
        for (var r = parseResult.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command is RootCommand ? "ppkm" : r.Command.Name);
        return string.Join(' ', names);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
