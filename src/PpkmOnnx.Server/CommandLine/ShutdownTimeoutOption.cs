using System.CommandLine;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// <c>--shutdown-timeout-s</c>: how long a command drains its work after Ctrl-C or SIGTERM. <see cref="CommandLineHost"/>
/// finds it on the invoked command and gives the process that long (plus <see cref="Margin"/>) before System.CommandLine's
/// termination handler ends it, instead of that handler's default two seconds, which would cut a server's drain short.
/// </summary>
public sealed class ShutdownTimeoutOption : Option<double>
{
    /// <summary>Time beyond the drain for stopping the host and writing the last log lines.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>The option with a default of <paramref name="defaultSeconds"/> and a range of 1 ms to one hour.</summary>
    public ShutdownTimeoutOption(double defaultSeconds) : base("--shutdown-timeout-s")
    {
        Description = "How long shutdown waits for in-flight requests.";
        DefaultValueFactory = _ => defaultSeconds;
        this.InRange(0.001, 3600.0);
    }

    /// <summary>How long the process may take to end after a termination signal when <paramref name="parseResult"/> holds this option's value.</summary>
    public TimeSpan TerminationGrace(ParseResult parseResult) => TimeSpan.FromSeconds(parseResult.GetValue(this)) + Margin;
}
