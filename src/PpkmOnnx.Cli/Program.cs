using PpkmOnnx.Cli.Common;

return await CliRunner.RunAsync(args);
