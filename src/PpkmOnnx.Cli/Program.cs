using PpkmOnnx.Cli.Common;
using PpkmOnnx.Runtime;

OnnxRuntimeLogging.Configure("ppkm");
return await CliRunner.RunAsync(args);
