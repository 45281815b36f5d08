using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server;
using PpkmOnnx.Server.Models;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Server.Tests;

/// <summary>A server over tiny packages, hosted in memory (TestServer) or on a loopback port (Kestrel).</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private readonly TempFolder _temp;

    private ServerHarness(TempFolder temp, WebApplication app, HttpClient client, IReadOnlyDictionary<string, (TinyPackage Model, string Folder)> packages)
    {
        _temp = temp;
        App = app;
        Client = client;
        Packages = packages;
    }

    public WebApplication App { get; }
    public HttpClient Client { get; }
    public IReadOnlyDictionary<string, (TinyPackage Model, string Folder)> Packages { get; }

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Two models: "tiny" (fp32, seed 1) and "tiny-int8" (int8 file with other weights, seed 2), unless told otherwise.</summary>
    public static async Task<ServerHarness> StartAsync(Func<ServerOptions, ServerOptions>? adjust = null, bool kestrel = false, bool waitReady = true, Action<WebApplicationBuilder>? configure = null)
    {
        var temp = TestPaths.NewTempFolder();
        var folder = temp.Combine("pkg");
        var fp32 = TinyPackage.Create(1);
        fp32.WriteTo(folder);
        var int8 = TinyPackage.Create(2);
        int8.WriteTo(folder, ModelVariant.Int8);
        var options = new ServerOptions
        {
            Models = [new ModelRegistration("tiny", folder), new ModelRegistration("tiny-int8", folder, ModelVariant.Int8)],
            Urls = "http://127.0.0.1:0",
            ExecutionProvider = ExecutionProviderPreference.Cpu,
            IntraOpThreads = 1,
            MaxTextsPerRequest = 8,
            MaxCharactersPerText = 200,
            MaxRequestBodyBytes = 4096,
        };
        if (adjust is not null) options = adjust(options);
        var app = ServerApp.Build(options, b =>
        {
            if (!kestrel) b.WebHost.UseTestServer();
            configure?.Invoke(b);
        });
        await app.StartAsync();
        var client = kestrel ? new HttpClient { BaseAddress = new Uri(app.Urls.First()) } : app.GetTestClient();
        var harness = new ServerHarness(temp, app, client, new Dictionary<string, (TinyPackage, string)> { ["tiny"] = (fp32, folder), ["tiny-int8"] = (int8, folder) });
        if (waitReady) await harness.WaitForReadinessAsync();
        return harness;
    }

    /// <summary>Polls /readyz until it answers ready or failed; returns the last status code.</summary>
    public async Task<int> WaitForReadinessAsync()
    {
        for (int i = 0; i < 600; i++)
        {
            var response = await Client.GetAsync("/readyz");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("status").GetString() != "loading") return (int)response.StatusCode;
            await Task.Delay(50);
        }
        throw new TimeoutException("the server never finished loading its models.");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _temp.Dispose();
    }
}
