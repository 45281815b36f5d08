using System.CommandLine;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server;

// ppkm-serve: `ppkm serve` without TorchSharp/libtorch, for deployment. Same argument and options (ServeCommandLine).
const string Tool = "ppkm-serve";
OnnxRuntimeLogging.Configure(Tool);
var root = ServeCommandLine.Configure(new RootCommand($"{Tool}: {ServeCommandLine.Description} The serving part of ppkm alone (no TorchSharp/libtorch)."));
ToolVersionAction.Install(root, Tool);
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (CommandLineErrors.IsUserError(e))
{
    Console.Error.WriteLine(CommandLineErrors.Format(Tool, e));
    return CommandLineErrors.UserErrorExitCode;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"{Tool}: cancelled.");
    return 130;
}
