using System.CommandLine;
using PpkmOnnx.Cli.Commands;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Server.CommandLine;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// Runs the ppkm command line: the entry point's logic, callable in-process with captured output (tests). Exit codes and
/// error lines are <see cref="CommandLineHost"/>'s, shared with <c>ppkm-serve</c>.
/// </summary>
internal static class CliRunner
{
    /// <summary>The root command with every command of <see cref="CommandCatalog"/>.</summary>
    /// <exception cref="InvalidOperationException">A numeric option declares no range (a rule for ppkm's own code).</exception>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("ppkm: fine-tune BERT-family sentiment classifiers, export them to ONNX, quantize, serve and benchmark them. No Python.");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        return CommandLineHost.Prepare(root, ToolInfo.Name, ("TorchSharp", TorchSharpVersion.Current));
    }

    private static readonly AsyncLocal<TextReader?> Input = new();

    // Decoded strictly: the console's reader turns invalid bytes into U+FFFD, which a file with the same bytes would not pass.
    private static readonly Lazy<TextReader> ConsoleInput = new(() => TextRowReader.StrictUtf8Reader(Console.OpenStandardInput()));

    /// <summary>Standard input of the running invocation: the reader given to <see cref="RunAsync"/>, else the console's bytes decoded strictly as UTF-8.</summary>
    public static TextReader StandardInput => Input.Value ?? ConsoleInput.Value;

    /// <summary>Parses and runs <paramref name="args"/>; see <see cref="CommandLineHost"/> for the exit codes.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output (the console's when null).</param>
    /// <param name="error">Standard error (the console's when null).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="input">Standard input for commands that read it (<c>predict --input -</c>); the console's when null.</param>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default,
        TextReader? input = null)
    {
        Input.Value = input;
        return CommandLineHost.RunAsync(ToolInfo.Name, CreateRoot(), args, output ?? Console.Out, error ?? Console.Error, cancellationToken);
    }
}
