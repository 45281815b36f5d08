using System.Diagnostics;

namespace PpkmOnnx.Tests.Common;

/// <summary>Named pipes for tests of outputs and inputs that are not regular files (Linux; <c>mkfifo</c> from coreutils).</summary>
internal static class Fifo
{
    /// <summary>Makes a named pipe at <paramref name="path"/>; false where the system has no mkfifo.</summary>
    public static bool TryCreate(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
