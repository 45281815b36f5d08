using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

/// <summary>The access options through the real <c>ppkm-serve</c> process: parsing, the environment variable, warnings, logs.</summary>
public sealed class ServeAccessExecutableTests
{
    private const string Key = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static string Executable => Path.Combine(ServeExecutable.Folder, "ppkm-serve");

    [Fact]
    public void Bad_access_options_are_one_error_line_and_exit_2()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = temp.Combine("pkg");
        TinyPackage.Create(5).WriteTo(package);
        var missing = temp.Combine("keys.txt");
        var cases = new (string[] Args, string Line)[]
        {
            (["--rate-limit-per-minute", "-1"], "ppkm-serve: error: --rate-limit-per-minute must be from 0 to 1000000, got -1. (see ppkm-serve --help)"),
            (["--rate-limit-per-minute", "1e9"], ""),
            (["--request-log", "maybe"], ""),
            (["--api-key-file", missing], $"ppkm-serve: error: {missing}: cannot read the API key file: "),
            (["--metrics-require-key"], "ppkm-serve: error: --metrics-require-key: needs API keys, from PPKM_API_KEYS or a key file (see --api-key-file)."),
            (["--tls-cert", temp.Combine("cert.pem")], "ppkm-serve: error: --tls-key: not given: TLS needs both a certificate and its key (PEM files) (see --tls-cert)."),
            (["--urls", "https://127.0.0.1:1"], "ppkm-serve: error: --urls: https://127.0.0.1:1 is an https address, which needs a TLS certificate and key (PEM files) (see --tls-cert, --tls-key)."),
            (["--tls-cert", temp.Combine("cert.pem"), "--tls-key", temp.Combine("key.pem")], $"ppkm-serve: error: --tls-cert: {temp.Combine("cert.pem")}: file not found."),
            (["--model", "=nameless"], "ppkm-serve: error: --model: '=nameless' has an empty model name."),
        };
        foreach (var (args, expected) in cases)
        {
            var (code, output, error) = ServeExecutable.Run(Executable, ["--model", $"m={package}", "--port", "1", .. args]);
            Assert.True(code == 2, $"{string.Join(' ', args)}: exit {code}\n{output}\n{error}");
            var line = Assert.Single(error.TrimEnd('\n').Split('\n'));
            Assert.StartsWith(expected.Length > 0 ? expected : "ppkm-serve: error: ", line);
        }
    }

    [Fact]
    public async Task Keys_from_the_environment_protect_a_server_on_all_addresses_which_warns_about_clear_text_and_logs_requests_without_keys()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = temp.Combine("pkg");
        TinyPackage.Create(6).WriteTo(package);
        int port = ServeExecutable.FreePort();
        using var process = ServeExecutable.Start(Executable,
            ["--model", $"m={package}", "--urls", $"http://0.0.0.0:{port}", "--request-log", "on", "--rate-limit-per-minute", "2", "--threads", "1"],
            new Dictionary<string, string> { ["PPKM_API_KEYS"] = "short-lived-key-0000000000," + Key });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var ready = Stopwatch.StartNew();
            while (true)
            {
                // The message only once it is known to have exited: awaiting stderr of a running server never returns.
                if (process.HasExited) Assert.Fail($"ppkm-serve exited early ({process.ExitCode}): {await stderr}");
                try
                {
                    if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) break;
                }
                catch (HttpRequestException) { }
                Assert.True(ready.Elapsed < TimeSpan.FromSeconds(60), "ppkm-serve was not ready within 60 s");
                await Task.Delay(200);
            }
            HttpRequestMessage Classify(string? key)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = new StringContent("{\"inputs\": \"teks rahasia warga\"}", Encoding.UTF8, "application/json") };
                if (key is not null) request.Headers.Add("Authorization", "Bearer " + key);
                return request;
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Classify(null))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Classify(Key))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Classify(Key))).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Classify(Key))).StatusCode);
            Assert.Equal(0, Kill(process.Id, 15));
            Assert.True(process.WaitForExit(30_000), "ppkm-serve did not stop within 30 s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        var log = await stdout + await stderr;
        var warnings = log.Split('\n').Where(l => l.Contains("reachable from other machines", StringComparison.Ordinal)).ToList();
        Assert.Equal($"warn: PpkmOnnx.Server[0] http://0.0.0.0:{port} is reachable from other machines without TLS: texts and API keys cross the network in clear text (--tls-cert FILE --tls-key FILE).", Assert.Single(warnings));
        var requests = log.Split('\n').Where(l => l.Contains("\"route\":\"/v1/classify\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, requests.Count);
        Assert.All(requests, l => Assert.StartsWith("info: ppkm.requests[1] {\"method\":\"POST\",\"route\":\"/v1/classify\",\"status\":", l));
        Assert.Equal(["401", "200", "200", "429"], requests.Select(l => l.Split("\"status\":")[1].Split(',')[0]));
        Assert.DoesNotContain(Key, log);
        Assert.DoesNotContain("short-lived-key", log);
        Assert.DoesNotContain("rahasia", log);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
