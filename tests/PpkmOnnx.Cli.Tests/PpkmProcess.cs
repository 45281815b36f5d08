using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PpkmOnnx.Cli.Tests;

/// <summary>Runs the built <c>ppkm</c> as a child process, as a user runs it: exit code, standard output and error.</summary>
internal static class PpkmProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs <c>ppkm <paramref name="args"/></c> in <paramref name="workingDirectory"/> to completion.</summary>
    public static Result Run(string workingDirectory, params string[] args) => Run(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs <c>ppkm <paramref name="args"/></c> with <paramref name="environment"/> added to its environment.</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(workingDirectory, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"ppkm {string.Join(' ', args)} did not exit."); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>What an interrupted run did: its result, and how long it took to exit after the signal.</summary>
    public sealed record Interrupted(Result Result, TimeSpan SignalToExit);

    /// <summary>
    /// Starts <c>ppkm <paramref name="args"/></c>, waits until <paramref name="ready"/> holds for the standard output and
    /// error so far (polled), sends <paramref name="signal"/> (SIGINT 2, SIGTERM 15) and waits for the exit.
    /// </summary>
    /// <exception cref="InvalidOperationException">The process ended, or never got ready, before the signal: the test's timing is wrong.</exception>
    public static Interrupted Interrupt(string workingDirectory, Func<string, bool> ready, int signal, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var output = new System.Text.StringBuilder();
        var stdout = CopyAsync(process.StandardOutput, output);
        var stderr = CopyAsync(process.StandardError, output);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!Ready() && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
        if (process.HasExited || !Ready())
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"ppkm {string.Join(' ', args)} was not interruptible mid-run (exited: {process.HasExited}):\n{Snapshot()}");
        }
        var clock = Stopwatch.StartNew();
        if (Kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({process.Id}, {signal}) failed.");
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"ppkm {string.Join(' ', args)} ignored signal {signal}."); }
        var signalToExit = clock.Elapsed;
        return new Interrupted(new Result(process.ExitCode, stdout.Result, stderr.Result), signalToExit);

        bool Ready() => ready(Snapshot());
        string Snapshot() { lock (output) return output.ToString(); }
    }

    /// <summary>
    /// Runs <c>ppkm <paramref name="args"/></c>, reads the first line of its standard output and then closes the pipe, as
    /// <c>ppkm … | head -1</c> does; returns that line, the exit and how long the process ran on after the close.
    /// </summary>
    public static (string FirstLine, Result Result, TimeSpan CloseToExit) RunAndCloseStdoutAfterFirstLine(string workingDirectory, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        var stderr = process.StandardError.ReadToEndAsync();
        var first = process.StandardOutput.ReadLine() ?? "";
        var clock = Stopwatch.StartNew();
        process.StandardOutput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"ppkm {string.Join(' ', args)} went on after its standard output closed."); }
        return (first, new Result(process.ExitCode, "", stderr.Result), clock.Elapsed);
    }

    // Reads a stream to its end, keeping a shared copy that the polling thread can look at while it grows.
    private static async Task<string> CopyAsync(StreamReader reader, System.Text.StringBuilder shared)
    {
        var own = new System.Text.StringBuilder();
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            own.Append(buffer, 0, n);
            lock (shared) shared.Append(buffer, 0, n);
        }
        return own.ToString();
    }

    private static Process Start(string workingDirectory, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ppkm.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
