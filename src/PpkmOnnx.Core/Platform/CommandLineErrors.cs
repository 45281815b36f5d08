namespace PpkmOnnx.Core.Platform;

/// <summary>Which exceptions the command-line tools (<c>ppkm</c>, <c>ppkm-serve</c>) print as one <c>error:</c> line with exit code 2.</summary>
public static class CommandLineErrors
{
    /// <summary>The exit code of bad input.</summary>
    public const int UserErrorExitCode = 2;

    /// <summary>True for exceptions that describe bad input rather than a bug (a missing file, a malformed value, a wrong folder).</summary>
    public static bool IsUserError(Exception e) =>
        e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or FormatException or NotSupportedException;

    /// <summary>The one line printed for <paramref name="e"/>: <c>TOOL: error: message</c> with line breaks folded.</summary>
    public static string Format(string tool, Exception e) => $"{tool}: error: {e.Message.ReplaceLineEndings(" ")}";
}
