using System.Text;
using Microsoft.Win32.SafeHandles;
using PpkmOnnx.Core;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// Standard output for commands that stream their results to it (<c>-o -</c>), written so that a reader that went away
/// is noticed. .NET ignores SIGPIPE and its console stream treats EPIPE as success, so through <see cref="Console.Out"/>
/// <c>ppkm predict … -o - | head -1</c> scored every row into the void and reported success; a stream on file
/// descriptor 1 gets EPIPE as an <see cref="IOException"/> instead.
/// </summary>
internal static class StandardOutput
{
    /// <summary>
    /// Exit code when standard output's reader went away (a broken pipe): 141 = 128 + SIGPIPE, what a process that
    /// SIGPIPE ends gets, so shells and <c>set -o pipefail</c> scripts treat it as they treat <c>yes | head -1</c>.
    /// It is not bad input (2): the command line was right, the other end of the pipe stopped reading.
    /// </summary>
    public const int BrokenPipeExitCode = 141;

    private const int Epipe = 32;

    /// <summary>
    /// A writer on the process's standard output when <paramref name="output"/> is the console's (else
    /// <paramref name="output"/> itself, e.g. a test's capture), and whether it was replaced (the caller then disposes it).
    /// </summary>
    /// <exception cref="UserInputException">Standard output is closed.</exception>
    public static (TextWriter Writer, bool Owned) Open(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || OperatingSystem.IsWindows()) return (output, false);
        Console.Out.Flush();
        FileStream stream;
        try
        {
            stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new UserInputException($"standard output is closed ({e.Message}); write to a file with -o FILE instead.", e);
        }
        return (new StreamWriter(stream, new UTF8Encoding(false), 1 << 16), true);
    }

    /// <summary>Whether <paramref name="e"/> is a write to a pipe whose reader has gone (EPIPE).</summary>
    public static bool IsBrokenPipe(Exception e) =>
        e is IOException io && (io.HResult == Epipe || (io.HResult & 0xFFFF) == Epipe || io.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase));
}
