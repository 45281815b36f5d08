using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

/// <summary>The lean <c>ppkm-serve</c> build: what it carries, its errors, and the systemd unit in deploy/ run as written.</summary>
public sealed class ServeExecutableTests
{
    private static string Executable => Path.Combine(ServeExecutable.Folder, "ppkm-serve");

    [Fact]
    public void Carries_no_TorchSharp_or_libtorch()
    {
        Assert.True(File.Exists(Executable), $"{Executable} was not built");
        var files = Directory.GetFiles(ServeExecutable.Folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("PpkmOnnx.Server.dll", files);
        Assert.Contains("libonnxruntime.so", files);
        Assert.DoesNotContain(files, f => f!.Contains("TorchSharp", StringComparison.OrdinalIgnoreCase) || f.StartsWith("libtorch", StringComparison.Ordinal)
            || f.StartsWith("libc10", StringComparison.Ordinal) || f == "PpkmOnnx.Training.dll" || f == "PpkmOnnx.Onnx.dll");
    }

    [Fact]
    public void Version_names_the_tool_commit_and_onnx_runtime_but_not_torchsharp()
    {
        var (code, output, error) = ServeExecutable.Run(Executable, "--version");
        Assert.True(code == 0, error);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("ppkm-serve " + Core.Platform.ToolInfo.PackageVersion, lines[0]);
        Assert.StartsWith("commit ", lines[1]);
        // The native library really loaded: its version, not the managed fallback's four-part assembly version.
        Assert.Equal("ONNX Runtime 1.31.0", lines[2]);
        Assert.DoesNotContain(lines, l => l.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.StartsWith(".NET ", lines[^1]);
    }

    [Fact]
    public void A_checkpoint_folder_is_one_error_line_and_exit_2()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("bert");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "config.json"), "{}");
        File.WriteAllBytes(Path.Combine(checkpoint, "model.safetensors"), new byte[16]);
        var (code, output, error) = ServeExecutable.Run(Executable, "--model", $"bert={checkpoint}", "--port", "1");
        Assert.Equal(2, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Equal($"ppkm-serve: error: {checkpoint}: this is a training checkpoint (model.safetensors), not a model package; make one with 'ppkm export {checkpoint} -o PACKAGE'.", line);

        (code, _, error) = ServeExecutable.Run(Executable);
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm-serve: error: nothing to serve", Assert.Single(error.TrimEnd('\n').Split('\n')));
    }

    [Fact]
    public async Task The_systemd_unit_ExecStart_serves_the_package_and_stops_cleanly_on_SIGTERM()
    {
        var unit = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "deploy", "ppkm-serve.service"));
        var execStart = Assert.Single(unit, l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..];
        Assert.Equal("SIGTERM", Assert.Single(unit, l => l.StartsWith("KillSignal=", StringComparison.Ordinal))["KillSignal=".Length..]);

        // The unit's paths map to this machine: the install folder to the build output, the state folder to a temporary one,
        // the port to a free one. Everything else of the command line runs as written.
        using var temp = TestPaths.NewTempFolder();
        var tiny = TinyPackage.Create(3);
        var package = temp.Combine("var-lib-ppkm", "packages", "bert");
        tiny.WriteTo(package);
        int port = ServeExecutable.FreePort();
        var command = execStart.Replace("/opt/ppkm-serve", ServeExecutable.Folder).Replace("/var/lib/ppkm", temp.Combine("var-lib-ppkm"))
            .Replace("127.0.0.1:8080", $"127.0.0.1:{port}");
        Assert.NotEqual(execStart, command);
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        using var process = ServeExecutable.Start(words[0], words[1..]);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilReady(client, process, stderr);
            string[] texts = ["PPKM bagus!", "warga sedih, kasus naik"];
            var response = await client.PostAsync("/v1/classify", new StringContent(JsonSerializer.Serialize(new { inputs = texts, model = "bert" }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var predictions = json.RootElement.GetProperty("predictions").EnumerateArray().ToList();
            Assert.Equal(texts.Length, predictions.Count);
            for (int i = 0; i < texts.Length; i++)
            {
                var expected = tiny.ExpectedProbabilities(package, texts[i]);
                foreach (var entry in predictions[i].EnumerateArray())
                {
                    int id = Array.IndexOf(TinyPackage.LabelNames, entry.GetProperty("label").GetString());
                    Assert.Equal(expected[id], entry.GetProperty("score").GetDouble(), 5);
                }
            }

            Assert.Equal(0, Kill(process.Id, Sigterm));
            Assert.True(process.WaitForExit(30_000), "ppkm-serve did not stop within 30 s of SIGTERM");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await Completed(stderr)}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await Task.WhenAll(stdout, stderr);
        }
    }

    private const int Sigterm = 15;

    // Polls /readyz until 200; fails when the process exits first or takes more than a minute.
    private static async Task WaitUntilReady(HttpClient client, Process process, Task<string> stderr)
    {
        var ready = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(process.HasExited, $"ppkm-serve exited early ({(process.HasExited ? process.ExitCode : 0)}): {await Completed(stderr)}");
            try
            {
                if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            Assert.True(ready.Elapsed < TimeSpan.FromSeconds(60), "ppkm-serve was not ready within 60 s");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task SIGTERM_drains_a_slow_in_flight_request_past_the_two_second_default()
    {
        using var temp = TestPaths.NewTempFolder();
        var tiny = TinyPackage.Create(5);
        var package = temp.Combine("bert");
        tiny.WriteTo(package);
        int port = ServeExecutable.FreePort();
        // A request alone waits the whole queue delay (4 s) for company: it is still in flight when SIGTERM arrives, and
        // answering it takes longer than System.CommandLine's default 2 s termination timeout, which would end the process.
        using var process = ServeExecutable.Start(Executable, ["--model", $"bert={package}", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--max-queue-delay-ms", "4000", "--shutdown-timeout-s", "20"]);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilReady(client, process, stderr);

            var inFlight = client.PostAsync("/v1/classify", new StringContent("""{"inputs":["PPKM bagus!"]}""", Encoding.UTF8, "application/json"));
            await Task.Delay(500);
            Assert.False(inFlight.IsCompleted, "the request should still wait in the batcher's queue delay");
            var sinceSignal = Stopwatch.StartNew();
            Assert.Equal(0, Kill(process.Id, Sigterm));

            using var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var prediction = Assert.Single(json.RootElement.GetProperty("predictions").EnumerateArray().ToList());
            var expected = tiny.ExpectedProbabilities(package, "PPKM bagus!");
            foreach (var entry in prediction.EnumerateArray())
                Assert.Equal(expected[Array.IndexOf(TinyPackage.LabelNames, entry.GetProperty("label").GetString())], entry.GetProperty("score").GetDouble(), tolerance: 1e-5);
            Assert.True(sinceSignal.Elapsed > TimeSpan.FromSeconds(2.5), $"answered {sinceSignal.Elapsed.TotalSeconds:F1} s after SIGTERM: the request did not wait out the queue delay");

            Assert.True(process.WaitForExit(30_000), "ppkm-serve did not stop within 30 s of SIGTERM");
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await Completed(stderr)}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await Task.WhenAll(stdout, stderr);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static async Task<string> Completed(Task<string> text) => await Task.WhenAny(text, Task.Delay(2000)) == text ? text.Result : "";
}
