using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Batching;

namespace LoadGen;

/// <summary>Something the load runs call: one request of one or more texts.</summary>
internal interface ILoadTarget
{
    string Name { get; }
    Task CallAsync(string[] texts);
}

/// <summary>The ceiling: the package behind the same dynamic batcher in this process, no HTTP.</summary>
internal sealed class InProcessTarget(DynamicBatcher batcher) : ILoadTarget
{
    public string Name => "in-process";
    public async Task CallAsync(string[] texts) => await batcher.ClassifyAsync(texts);
}

/// <summary>
/// A server in its own process (ppkm serve or the Node peer) on a free loopback port, called over keep-alive HTTP/1.1.
/// Started by <see cref="StartAsync"/> (waits for /readyz), killed with its process tree on dispose.
/// </summary>
internal sealed class HttpTarget : ILoadTarget, IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly List<string> _log = [];

    private HttpTarget(string name, Process process, HttpClient http)
    {
        Name = name;
        _process = process;
        _http = http;
    }

    public string Name { get; }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> ("{port}" replaced by a free port).</summary>
    public static async Task<HttpTarget> StartAsync(string name, string fileName, IReadOnlyList<string> arguments, int maxConnections)
    {
        int port = FreePort();
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        var target = new HttpTarget(name, process, http);
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (target._log) target._log.Add(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (target._log) target._log.Add(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var started = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"{name} exited with {process.ExitCode} before it was ready:\n{target.Log()}");
            if (started.Elapsed > TimeSpan.FromMinutes(3))
            {
                await target.DisposeAsync();
                throw new TimeoutException($"{name} not ready after 3 minutes:\n{target.Log()}");
            }
            try
            {
                using var ready = await http.GetAsync("/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        Console.WriteLine($"{name}: ready on port {port} after {started.Elapsed.TotalSeconds:F1} s (pid {process.Id})");
        return target;
    }

    public async Task CallAsync(string[] texts)
    {
        using var response = await _http.PostAsJsonAsync("/v1/classify", new { inputs = texts });
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>Every label's probability per text, from the server's {"predictions": [[{label, score}…]…]}.</summary>
    public async Task<IReadOnlyList<Dictionary<string, float>>> ClassifyAsync(string[] texts)
    {
        using var response = await _http.PostAsJsonAsync("/v1/classify", new { inputs = texts });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{Name}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("predictions").EnumerateArray()
            .Select(p => p.EnumerateArray().ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("score").GetSingle()))
            .ToList();
    }

    private string Log()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(20));
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Labels and probabilities of a remote target against the in-process classifier.</summary>
internal static class Agreement
{
    public static (int Agree, double MaxDelta) Compare(IReadOnlyList<ClassificationResult> reference, IReadOnlyList<Dictionary<string, float>> remote)
    {
        if (remote.Count != reference.Count) throw new InvalidOperationException($"expected {reference.Count} predictions, got {remote.Count}.");
        int agree = 0;
        double maxDelta = 0;
        for (int i = 0; i < reference.Count; i++)
        {
            var mine = reference[i];
            var theirs = remote[i];
            if (theirs.MaxBy(kv => kv.Value).Key == mine.Label) agree++;
            for (int c = 0; c < mine.Labels.Count; c++)
                maxDelta = Math.Max(maxDelta, theirs.TryGetValue(mine.Labels[c], out var p) ? Math.Abs(p - mine.Probabilities[c]) : 1);
        }
        return (agree, maxDelta);
    }
}

/// <summary>The repository root (holds PpkmOnnx.sln) and the built CLI in it.</summary>
internal static class RepoPaths
{
    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PpkmOnnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    /// <summary>ppkm.dll of the same configuration as this tool (Release or Debug).</summary>
    public static string CliAssembly(string root)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name ?? "Release";
        var path = Path.Combine(root, "src", "PpkmOnnx.Cli", "bin", configuration, "net10.0", "ppkm.dll");
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"{path}: build the CLI first (dotnet build src/PpkmOnnx.Cli -c {configuration}) or pass --ppkm.", path);
    }
}
