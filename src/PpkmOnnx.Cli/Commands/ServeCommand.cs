using System.CommandLine;
using PpkmOnnx.Server;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm serve</c>: HTTP classification of one or more model packages (options shared with <c>ppkm-serve</c>).</summary>
internal static class ServeCommand
{
    public static Command Create() => ServeCommandLine.Configure(new Command("serve", ServeCommandLine.Description));
}
