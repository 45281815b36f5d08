using System.CommandLine;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// <c>--verbose</c> on every command: print the stack trace of an internal error (it always goes to a log file).
/// Its own type so that <see cref="CommandLineHost"/> finds it by type, not by spelling.
/// </summary>
public sealed class VerboseOption : Option<bool>
{
    /// <summary>The option, recursive (accepted after any subcommand).</summary>
    public VerboseOption() : base("--verbose")
    {
        Description = "Print the stack trace of an internal error (it always goes to a log file).";
        Recursive = true;
    }
}
