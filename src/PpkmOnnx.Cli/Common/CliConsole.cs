using System.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary>A Spectre.Console console writing to the invocation's output, so tests can capture what a command prints.</summary>
internal static class CliConsole
{
    /// <summary>The console for <paramref name="parseResult"/>'s invocation.</summary>
    public static IAnsiConsole For(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        if (ReferenceEquals(output, Console.Out))
        {
            // Redirected to a file or pipe (logs, CI): keep table rows whole instead of wrapping at 80 columns.
            if (Console.IsOutputRedirected && AnsiConsole.Console.Profile.Width < 160) AnsiConsole.Console.Profile.Width = 160;
            return AnsiConsole.Console;
        }
        return Captured(output);
    }

    /// <summary>
    /// A console on the invocation's error output, for progress and summaries of commands whose standard output carries
    /// data (<c>predict -o -</c>); interactive only when it is the real standard error of a terminal.
    /// </summary>
    public static IAnsiConsole ErrorFor(ParseResult parseResult)
    {
        var error = parseResult.InvocationConfiguration.Error;
        if (!ReferenceEquals(error, Console.Error)) return Captured(error);
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = Console.IsErrorRedirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(Console.Error),
        });
    }

    private static IAnsiConsole Captured(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160; // captured output is read by code, not a terminal: keep lines whole
        return console;
    }
}
