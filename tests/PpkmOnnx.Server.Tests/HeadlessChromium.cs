using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Server.Tests;

/// <summary>
/// Headless Chromium driven over the DevTools protocol (one WebSocket to one page), enough to type into a page,
/// click and read the DOM back. Kills the browser it started when disposed.
/// </summary>
internal sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempFolder _profile;
    private readonly ClientWebSocket _socket;
    private int _nextId;

    private HeadlessChromium(Process process, TempFolder profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
    }

    /// <summary>The Chromium binary on PATH, or null.</summary>
    public static string? FindBinary()
    {
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome", "google-chrome-stable" })
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var path = Path.Combine(dir, name);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    public static async Task<HeadlessChromium> LaunchAsync(string binary)
    {
        var profile = TestPaths.NewTempFolder();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile.Path}", "about:blank" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}.");
        try
        {
            _ = process.StandardOutput.ReadToEndAsync();
            string? browserUrl = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (browserUrl is null)
            {
                var line = await process.StandardError.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("chromium exited before opening DevTools.");
                var m = DevToolsLine().Match(line);
                if (m.Success) browserUrl = m.Groups[1].Value;
            }
            _ = process.StandardError.ReadToEndAsync();
            var port = new Uri(browserUrl).Port;
            using var http = new HttpClient();
            JsonArray? targets = null;
            for (int i = 0; i < 100; i++)
            {
                targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")) as JsonArray;
                if (targets?.Any(t => t?["type"]?.GetValue<string>() == "page") == true) break;
                await Task.Delay(100);
            }
            var page = targets?.FirstOrDefault(t => t?["type"]?.GetValue<string>() == "page") ?? throw new InvalidOperationException("chromium has no page target.");
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()), timeout.Token);
            return new HeadlessChromium(process, profile, socket);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            profile.Dispose();
            throw;
        }
    }

    public async Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null)
    {
        int id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var ms = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, timeout.Token);
                ms.Write(buffer, 0, result.Count);
            } while (!result.EndOfMessage);
            var reply = JsonNode.Parse(ms.ToArray());
            if (reply?["id"]?.GetValue<int>() != id) continue; // an event
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"];
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result?["exceptionDetails"] is { } ex) throw new InvalidOperationException($"page exception: {ex.ToJsonString()}");
        return result?["result"]?["value"];
    }

    /// <summary>Polls <paramref name="expression"/> until it is true (bounded; this waits, it does not time anything).</summary>
    public async Task WaitUntilAsync(string expression)
    {
        for (int i = 0; i < 600; i++)
        {
            if (await EvaluateAsync(expression) is JsonValue v && v.TryGetValue<bool>(out var b) && b) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"page never satisfied: {expression}");
    }

    public async ValueTask DisposeAsync()
    {
        try { _socket.Dispose(); } catch (WebSocketException) { }
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
        _profile.Dispose();
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex DevToolsLine();
}
