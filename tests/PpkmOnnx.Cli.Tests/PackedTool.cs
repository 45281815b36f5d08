using System.Diagnostics;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// The NuGet packages as a user gets them, made once per test run: tools/pack.sh --no-build from this build's output into a
/// temporary feed, the ppkm tool installed from it into a temporary --tool-path, and, on demand, a tiny model trained and
/// exported by the installed tool.
/// </summary>
public sealed class PackedTool : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();
    private readonly Lazy<(string Checkpoint, string Package, string Demo)> _model;

    public PackedTool()
    {
        Configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        Feed = _temp.Combine("feed");
        ToolPath = _temp.Combine("tools");
        var pack = Timed(() => Run("bash", [Path.Combine(TestPaths.RepositoryRoot, "tools", "pack.sh"), Feed, "--no-build"],
            env: new() { ["CONFIGURATION"] = Configuration }));
        Assert.True(pack.Result.Code == 0, $"pack failed:\n{pack.Result.Out}\n{pack.Result.Err}");
        PackSeconds = pack.Seconds;
        var install = Timed(() => Install());
        Assert.True(install.Result.Code == 0, $"tool install failed:\n{install.Result.Out}\n{install.Result.Err}");
        InstallSeconds = install.Seconds;
        _model = new Lazy<(string, string, string)>(TrainAndExport);
    }

    public string Configuration { get; }
    public string Feed { get; }
    public string ToolPath { get; }
    public string Ppkm => Path.Combine(ToolPath, "ppkm");
    public double PackSeconds { get; }
    public double InstallSeconds { get; }
    internal TempFolder Temp => _temp;

    /// <summary>The checkpoint trained by the installed tool, the package it exported, and the demo data used.</summary>
    public (string Checkpoint, string Package, string Demo) Model => _model.Value;

    public (int Code, string Out, string Err) Install() =>
        Run("dotnet", ["tool", "install", "--tool-path", ToolPath, "--add-source", Feed, "PpkmOnnx.Cli", "--version", ToolInfo.PackageVersion]);

    /// <summary>Runs the installed <c>ppkm</c>.</summary>
    public (int Code, string Out, string Err) RunPpkm(params string[] args) => Run(Ppkm, args);

    private (string, string, string) TrainAndExport()
    {
        var demo = _temp.Combine("demo.tsv");
        Ok(RunPpkm("data", "demo", "-o", demo, "--rows-per-class", "16", "--seed", "5"));
        var tiny = TinyBert.Write(_temp.Combine("tiny-bert"), demo);
        var checkpoint = _temp.Combine("trained");
        Ok(RunPpkm("train", tiny, "-o", checkpoint, "--data", demo, "--epochs", "1", "--lr", "1e-3", "--batch-size", "16",
            "--max-length", "32", "--device", "cpu"));
        var package = _temp.Combine("package");
        Ok(RunPpkm("export", checkpoint, "-o", package, "--data", demo));
        return (checkpoint, package, demo);
    }

    private static void Ok((int Code, string Out, string Err) r) => Assert.True(r.Code == 0, $"exit {r.Code}:\n{r.Err}\n{r.Out}");

    /// <summary>Runs a process to completion (10 minutes at most) with captured output.</summary>
    public static (int Code, string Out, string Err) Run(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        Dictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (k, v) in env ?? []) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within 10 minutes.");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    private static (T Result, double Seconds) Timed<T>(Func<T> f)
    {
        var watch = Stopwatch.StartNew();
        var result = f();
        return (result, watch.Elapsed.TotalSeconds);
    }

    public void Dispose() => _temp.Dispose();
}
