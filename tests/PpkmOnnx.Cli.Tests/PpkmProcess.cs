using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PpkmOnnx.Cli.Tests;

/// <summary>Runs the built <c>ppkm</c> as a child process, as a user runs it: exit code, standard output and error.</summary>
internal static class PpkmProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <c>ppkm <paramref name="args"/></c> in <paramref name="workingDirectory"/> to completion.</summary>
    public static Result Run(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"ppkm {string.Join(' ', args)} did not exit."); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Starts <c>ppkm <paramref name="args"/></c>, waits until <paramref name="ready"/> holds (polled), sends
    /// <paramref name="signal"/> (SIGINT 2, SIGTERM 15) and waits for the exit.
    /// </summary>
    public static Result Interrupt(string workingDirectory, Func<bool> ready, int signal, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ready() && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        if (process.HasExited) return new Result(process.ExitCode, stdout.Result, stderr.Result + "\n(exited before the signal)");
        if (Kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({process.Id}, {signal}) failed.");
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"ppkm {string.Join(' ', args)} ignored signal {signal}."); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Process Start(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ppkm.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        return Process.Start(start)!;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
