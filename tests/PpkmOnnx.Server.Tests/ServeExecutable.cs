using System.Diagnostics;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Server.Tests;

/// <summary>The built <c>ppkm-serve</c> executable (src/PpkmOnnx.Serve, built first through a ProjectReference) run as a process.</summary>
internal static class ServeExecutable
{
    /// <summary>The folder holding <c>ppkm-serve</c>, in this test build's configuration.</summary>
    public static string Folder { get; } = Path.Combine(TestPaths.RepositoryRoot, "src", "PpkmOnnx.Serve", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name, "net10.0");

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="args"/> to completion (60 s at most).</summary>
    public static (int ExitCode, string Output, string Error) Run(string fileName, params string[] args)
    {
        using var process = Start(fileName, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not exit within 60 s.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A loopback port nobody listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="fileName"/> with redirected output (and <paramref name="environment"/> added).</summary>
    public static Process Start(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
    }
}
