using PpkmOnnx.Cli.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>Runs <c>ppkm</c> in-process with captured standard output and error (and optional standard input).</summary>
internal static class CliInvocation
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(string[] args, string? stdin = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CliRunner.RunAsync(args, output, error, input: stdin is null ? null : new StringReader(stdin));
        return (code, output.ToString(), error.ToString());
    }
}
