using System.CommandLine;
using PpkmOnnx.Cli;
using PpkmOnnx.Cli.Commands;

var root = new RootCommand("ppkm: fine-tune BERT-family sentiment classifiers, export them to ONNX, quantize, serve and benchmark them. No Python.");
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (CommandCatalog.IsUserError(e))
{
    // Bad input is the user's to fix: one line, no stack trace.
    Console.Error.WriteLine($"ppkm: error: {e.Message}");
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("ppkm: cancelled.");
    return 130;
}
