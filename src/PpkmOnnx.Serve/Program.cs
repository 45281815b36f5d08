using System.CommandLine;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server;
using PpkmOnnx.Server.CommandLine;

// ppkm-serve: `ppkm serve` without TorchSharp/libtorch, for deployment. Same argument and options (ServeCommandLine),
// same errors and exit codes (CommandLineHost).
const string Tool = "ppkm-serve";
OnnxRuntimeLogging.Configure(Tool);
var root = ServeCommandLine.Configure(new RootCommand($"{Tool}: {ServeCommandLine.Description} The serving part of ppkm alone (no TorchSharp/libtorch)."));
CommandLineHost.Prepare(root, Tool);
return await CommandLineHost.RunAsync(Tool, root, args, Console.Out, Console.Error);
