using System.CommandLine;

namespace PpkmOnnx.Cli.Commands;

/// <summary>Every top-level <c>ppkm</c> command, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return DataCommand.Create();
        yield return BenchCommand.Create();
        yield return ReportCommand.Create();
        yield return ServeCommand.Create();
        yield return PredictCommand.Create();
    }

    /// <summary>Exceptions that describe bad input rather than a bug: printed as one line, exit 2.</summary>
    public static bool IsUserError(Exception e) =>
        e is UserInputException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
            or ArgumentException or FormatException or NotSupportedException;
}
