using System.Diagnostics;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// Progress for long work: a live Spectre progress bar (with rate and ETA) on an interactive terminal, and plain
/// throttled lines ("stage 12/40 (3.1/s, ETA 00:08) message") elsewhere, so logs and CI still show movement.
/// </summary>
internal sealed class CliProgress
{
    private readonly IAnsiConsole _console;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastLine = TimeSpan.MinValue;
    private string? _lastStage;
    private Action<string, int, int, string>? _live;

    private CliProgress(IAnsiConsole console) => _console = console;

    /// <summary>Runs <paramref name="work"/>, giving it a reporter (stage, completed, total, message).</summary>
    public static T Run<T>(IAnsiConsole console, Func<CliProgress, T> work)
    {
        var progress = new CliProgress(console);
        if (!console.Profile.Capabilities.Interactive) return work(progress);
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                progress._live = (stage, done, total, message) =>
                {
                    if (!tasks.TryGetValue(stage, out var task)) tasks[stage] = task = ctx.AddTask(Markup.Escape(stage), maxValue: Math.Max(1, total));
                    task.MaxValue = Math.Max(1, total);
                    task.Value = Math.Min(done, total);
                    task.Description = Markup.Escape(string.IsNullOrEmpty(message) ? stage : $"{stage}: {message}");
                };
                result = work(progress);
            });
        return result;
    }

    /// <summary>Reports <paramref name="completed"/> of <paramref name="total"/> in <paramref name="stage"/>.</summary>
    public void Report(string stage, int completed, int total, string message = "")
    {
        if (_live is not null) { _live(stage, completed, total, message); return; }
        var now = _clock.Elapsed;
        bool stageChanged = stage != _lastStage;
        if (!stageChanged && completed < total && now - _lastLine < TimeSpan.FromSeconds(5)) return;
        if (stageChanged) { _stageStart = now; _lastStage = stage; }
        _lastLine = now;
        // Work that times itself (the trainer's steps/s and whole-run ETA) says so in its message; otherwise estimate here.
        if (message.Contains("ETA", StringComparison.Ordinal)) { _console.WriteLine($"{stage} {completed}/{total} {message}"); return; }
        var elapsed = (now - _stageStart).TotalSeconds;
        var rate = elapsed > 0 ? completed / elapsed : 0;
        var eta = rate > 0 && total > completed ? TimeSpan.FromSeconds((total - completed) / rate).ToString(@"hh\:mm\:ss") : "--:--:--";
        _console.WriteLine($"{stage} {completed}/{total} ({rate:0.0}/s, ETA {eta}) {message}".TrimEnd());
    }

    /// <summary>Reports a step without a count (e.g. "calibrating 18 activations").</summary>
    public void Note(string stage, string message)
    {
        if (_live is not null) { _live(stage, 0, 1, message); return; }
        _console.WriteLine($"{stage}: {message}");
    }

    private TimeSpan _stageStart;
}
