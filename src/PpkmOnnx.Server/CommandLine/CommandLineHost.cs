using System.CommandLine;
using System.CommandLine.Parsing;
using PpkmOnnx.Core;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// How the command-line tools (<c>ppkm</c>, <c>ppkm-serve</c>) run a parsed command and end: one error mapping for both.
/// It lives beside <see cref="ServeCommandLine"/> because this is the lowest project both executables share.
/// Exit codes: 0 success; 2 bad input (a parse error or a <see cref="UserInputException"/>: one line
/// <c>TOOL: error: …</c>); 130 cancelled (Ctrl-C, SIGTERM); 1 anything else, which is a bug: one line, the stack trace in a
/// log file (and on standard error with <c>--verbose</c>).
/// </summary>
public static class CommandLineHost
{
    /// <summary>Exit code of bad input.</summary>
    public const int UserErrorExitCode = 2;

    /// <summary>Exit code of an unexpected exception (a bug).</summary>
    public const int InternalErrorExitCode = 1;

    /// <summary>Exit code of a cancelled command (128 + SIGINT).</summary>
    public const int CancelledExitCode = 130;

    /// <summary>
    /// Finishes a tool's command tree the same way for every executable: <see cref="VerboseOption"/> on every command, the
    /// range rule checked (<see cref="OptionRules.RequireRanges"/>), an empty <c>--output</c> refused
    /// (<see cref="OptionRules.RefuseEmptyOutputs"/>) and <c>--version</c> naming <paramref name="components"/>.
    /// </summary>
    /// <param name="root">The command tree, with every command added.</param>
    /// <param name="tool">The executable's name.</param>
    /// <param name="components">Further components and their versions for <c>--version</c>.</param>
    /// <exception cref="InvalidOperationException">A numeric option declares no range (a rule for ppkm's own code).</exception>
    public static RootCommand Prepare(RootCommand root, string tool, params (string Name, string Version)[] components)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Options.Add(new VerboseOption());
        OptionRules.RequireRanges(root);
        OptionRules.RefuseEmptyOutputs(root);
        ToolVersionAction.Install(root, tool, components);
        return root;
    }

    /// <summary>Parses <paramref name="args"/> with <paramref name="root"/>, runs the command and maps how it ended to an exit code.</summary>
    /// <param name="tool">The executable's name, the prefix of every error line.</param>
    /// <param name="root">The command tree; its <see cref="VerboseOption"/> (see <see cref="Prepare"/>), when present, prints stack traces.</param>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    public static async Task<int> RunAsync(string tool, RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // A mistyped command line is bad input like any other: one line naming the problem, not the whole usage.
            error.WriteLine($"{tool}: error: {OneLine(NameTheOption(parseResult.Errors[0]))} (see {CommandPath(tool, parseResult)} --help)");
            return UserErrorExitCode;
        }
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        // Ctrl-C and SIGTERM cancel the action's token; a command that drains (serve) gets its own drain time to finish.
        if (parseResult.CommandResult.Command.Options.OfType<ShutdownTimeoutOption>().FirstOrDefault() is { } shutdown)
            configuration.ProcessTerminationTimeout = shutdown.TerminationGrace(parseResult);
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellationToken);
        }
        catch (UserInputException e)
        {
            // Bad input is the user's to fix: one line, no stack trace, a library's setting named by the flag that gave it.
            error.WriteLine($"{tool}: error: {OneLine(SettingFlags.Word(e, parseResult))}");
            return UserErrorExitCode;
        }
        catch (Exception e) when (e is FileNotFoundException { FileName: { } file } && Path.IsPathRooted(file) || e is DirectoryNotFoundException)
        {
            // What the user named went away between a check and its opening, or is a symbolic link to nothing (which passes
            // .NET's existence checks): the user's to fix like any missing input. A missing assembly (FileName is its
            // display name, not a path) stays an internal error.
            error.WriteLine($"{tool}: error: {OneLine(e.Message)}{DanglingLinkNote(e)}");
            return UserErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"{tool}: cancelled.");
            return CancelledExitCode;
        }
        catch (Exception e)
        {
            var verbose = root.Options.OfType<VerboseOption>().FirstOrDefault() is { } v && parseResult.GetValue(v);
            ReportInternalError(tool, e, verbose, error);
            return InternalErrorExitCode;
        }
    }

    /// <summary>
    /// A parse error's message, led by the option it is about when the message does not name it already: System.CommandLine's
    /// value-list error ("Argument 'x' not recognized. Must be one of: …") names the value but not the option.
    /// </summary>
    private static string NameTheOption(ParseError parseError)
    {
        var option = parseError.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || parseError.Message.Contains(option.Name, StringComparison.Ordinal)
            ? parseError.Message
            : $"{option.Name}: {parseError.Message}";
    }

    private static string DanglingLinkNote(Exception e)
    {
        var path = (e as FileNotFoundException)?.FileName;
        if (path is null) return "";
        try
        {
            return new FileInfo(path).LinkTarget is { } target ? $" (a symbolic link to {target}, which does not exist)" : "";
        }
        catch (Exception probe) when (probe is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "";
        }
    }

    // A bug: a short line for the user, the whole story for the report.
    private static void ReportInternalError(string tool, Exception e, bool verbose, TextWriter error)
    {
        string? log;
        try
        {
            log = Path.Combine(Path.GetTempPath(), $"{tool}-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
            File.WriteAllText(log, $"{tool} {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{DateTime.UtcNow:O}\n{e}\n");
        }
        catch (Exception logFailure) when (logFailure is IOException or UnauthorizedAccessException)
        {
            log = null;
        }
        var where = log is null ? "" : $"; stack trace in {log}";
        error.WriteLine($"{tool}: internal error: {e.GetType().Name}: {OneLine(e.Message)} (a bug{where}{(verbose ? "" : "; --verbose prints it")})");
        if (verbose) error.WriteLine(e.ToString());
    }

    private static string CommandPath(string tool, ParseResult parseResult)
    {
        var names = new List<string>();
        for (var r = parseResult.CommandResult; r is not null; r = r.Parent as CommandResult)
            names.Insert(0, r.Command is RootCommand ? tool : r.Command.Name);
        return string.Join(' ', names);
    }

    // Tabs too: System.CommandLine separates the allowed values of AcceptOnlyFromAmong with them.
    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Replace('\t', ' ');
}
