using System.CommandLine;
using PpkmOnnx.Cli.Commands;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Server;

namespace PpkmOnnx.Cli.Common;

/// <summary>Runs the ppkm command line: the entry point's logic, callable in-process with captured output (tests).</summary>
internal static class CliRunner
{
    /// <summary>The root command with every command of <see cref="CommandCatalog"/>.</summary>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("ppkm: fine-tune BERT-family sentiment classifiers, export them to ONNX, quantize, serve and benchmark them. No Python.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        ToolVersionAction.Install(root, ToolInfo.Name, ("TorchSharp", TorchSharpVersion.Current));
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
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        try
        {
            return await CreateRoot().Parse(args).InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e) when (CommandCatalog.IsUserError(e))
        {
            // Bad input is the user's to fix: one line, no stack trace.
            error.WriteLine(CommandLineErrors.Format(ToolInfo.Name, e));
            return CommandLineErrors.UserErrorExitCode;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("ppkm: cancelled.");
            return 130;
        }
    }
}
