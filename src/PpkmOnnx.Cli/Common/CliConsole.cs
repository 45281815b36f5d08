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
