using System.CommandLine;
using PpkmOnnx.Cli.Commands;

namespace PpkmOnnx.Cli.Common;

/// <summary>Runs the ppkm command line: the entry point's logic, callable in-process with captured output (tests).</summary>
internal static class CliRunner
{
    /// <summary>The root command with every command of <see cref="CommandCatalog"/>.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("ppkm: fine-tune BERT-family sentiment classifiers, export them to ONNX, quantize, serve and benchmark them. No Python.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; user errors print <c>ppkm: error: …</c> on one line and return 2.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        try
        {
            return await CreateRoot().Parse(args).InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e) when (CommandCatalog.IsUserError(e))
        {
            // Bad input is the user's to fix: one line, no stack trace.
            error.WriteLine($"ppkm: error: {OneLine(e.Message)}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("ppkm: cancelled.");
            return 130;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
