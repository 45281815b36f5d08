using Microsoft.AspNetCore.Http;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Server.Batching;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server;

/// <summary>Everything <c>ppkm serve</c> can be told: models, address, batching, limits and access control.</summary>
public sealed record ServerOptions
{
    /// <summary>The models to serve; the first is the default when a request names none.</summary>
    public IReadOnlyList<ModelRegistration> Models { get; init; } = [];
    /// <summary>Addresses Kestrel listens on (semicolon-separated). Loopback only by default.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";
    /// <summary>The entries of <see cref="Urls"/>, trimmed, empty ones left out.</summary>
    public IReadOnlyList<string> Addresses => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    /// <summary>Execution provider for every model.</summary>
    public ExecutionProviderPreference ExecutionProvider { get; init; } = ExecutionProviderPreference.Auto;
    /// <summary>ONNX Runtime intra-op threads per model (0: 1 when <see cref="EffectiveParallelRuns"/> is above 1, else ONNX Runtime decides).</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Micro-batches of one batch run at once, each on its own thread (0: one per processor).</summary>
    public int ParallelRuns { get; init; }

    /// <summary><see cref="ParallelRuns"/> with 0 resolved: one single-threaded run per processor, which on a CPU keeps
    /// every core busy where one run's intra-op threads often cannot (tools/LoadGen measures it).</summary>
    public int EffectiveParallelRuns => ClassifierOptions.ResolveThreading(ParallelRuns, IntraOpThreads).ParallelRuns;
    /// <summary><see cref="IntraOpThreads"/> with 0 resolved against <see cref="EffectiveParallelRuns"/> (0 left to ONNX Runtime).</summary>
    public int EffectiveIntraOpThreads => ClassifierOptions.ResolveThreading(ParallelRuns, IntraOpThreads).IntraOpThreads;
    /// <summary>Optimized-model cache folder, or null for none.</summary>
    public string? OptimizedModelCacheFolder { get; init; }
    /// <summary>Most texts in one session run.</summary>
    public int MaxBatchSize { get; init; } = 32;
    /// <summary>
    /// Token budget of a batch (<c>--max-batch-tokens</c>), used twice: the real tokens the batcher gathers from requests
    /// (<see cref="BatcherOptions.MaxBatchTokens"/>) and the padded tokens of each session run a batch is cut into
    /// (<see cref="PpkmOnnx.Runtime.ClassifierOptions.MaxPaddedTokensPerRun"/>).
    /// </summary>
    public int MaxBatchTokens { get; init; } = 8192;
    /// <summary>Longest a queued request waits for others to share its batch.</summary>
    public TimeSpan MaxQueueDelay { get; init; } = TimeSpan.FromMilliseconds(5);
    /// <summary>Batches of one model that run at once (model instances sharing one session; see <see cref="BatcherOptions.ConcurrentBatches"/>).</summary>
    public int ConcurrentBatches { get; init; } = 1;
    /// <summary>Most texts waiting per model; beyond it requests get 429.</summary>
    public int MaxQueuedTexts { get; init; } = 1024;
    /// <summary>Most texts in one request.</summary>
    public int MaxTextsPerRequest { get; init; } = 64;
    /// <summary>Most characters in one text (model truncation to its max length happens after this check).</summary>
    public int MaxCharactersPerText { get; init; } = 2000;
    /// <summary>Largest request body in bytes; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 1_000_000;
    /// <summary>Serve the models that load when others cannot (they are named in /readyz and the log); otherwise one failure stops the server.</summary>
    public bool AllowPartial { get; init; }
    /// <summary>How long shutdown waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>API keys a request must carry (<c>Authorization: Bearer KEY</c>), or null to serve without keys. /healthz and /readyz are always open.</summary>
    public ApiKeySet? ApiKeys { get; init; }
    /// <summary>/metrics needs a key too (only with <see cref="ApiKeys"/>); by default it is open like the probes.</summary>
    public bool MetricsRequireKey { get; init; }
    /// <summary>Requests per minute per client (its API key, else its address) before 429; 0 turns the limit off.</summary>
    public int RateLimitPerMinute { get; init; }
    /// <summary>Most requests per minute <see cref="RateLimitPerMinute"/> accepts.</summary>
    public const int MaxRateLimitPerMinute = 1_000_000;
    /// <summary>One JSON line per request in the log (method, route, status, latency, model, text count; never texts or keys).</summary>
    public bool RequestLog { get; init; }
    /// <summary>PEM certificate (chain) file for HTTPS addresses, with <see cref="TlsKeyFile"/>; null without TLS.</summary>
    public string? TlsCertificateFile { get; init; }
    /// <summary>PEM private key file of <see cref="TlsCertificateFile"/>.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>
    /// Throws <see cref="UserInputException"/> for a user's mistake (a name twice or unsafe), <see cref="InvalidSettingException"/>
    /// naming the property for a setting that is missing or contradicts another, and <see cref="ArgumentException"/> for an
    /// out-of-range limit.
    /// </summary>
    public void Validate()
    {
        if (Models.Count == 0) throw new InvalidSettingException(nameof(Models), "no model to serve.");
        var duplicate = Models.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new UserInputException($"model name '{duplicate.Key}' is given twice.");
        if (Models.FirstOrDefault(m => !ModelRegistration.IsSafeName(m.Name)) is { } unsafeName)
            throw new UserInputException($"model name '{unsafeName.Name}' ({unsafeName.PackagePath}) is not a safe identifier: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (name=path[:variant]).");
        if (TlsCertificateFile is null && TlsKeyFile is not null)
            throw new InvalidSettingException(nameof(TlsCertificateFile), "not given: TLS needs both a certificate and its key (PEM files).", nameof(TlsKeyFile));
        if (TlsCertificateFile is not null && TlsKeyFile is null)
            throw new InvalidSettingException(nameof(TlsKeyFile), "not given: TLS needs both a certificate and its key (PEM files).", nameof(TlsCertificateFile));
        foreach (var url in Addresses) CheckAddress(url);
        if (Addresses.Count == 0) throw new InvalidSettingException(nameof(Urls), "no address to listen on (give http://HOST:PORT; several are separated by ';').");
        if (TlsCertificateFile is null && Addresses.FirstOrDefault(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } https)
            throw new InvalidSettingException(nameof(Urls), $"{https} is an https address, which needs a TLS certificate and key (PEM files).", nameof(TlsCertificateFile), nameof(TlsKeyFile));
        if (MetricsRequireKey && ApiKeys is null)
            throw new InvalidSettingException(nameof(MetricsRequireKey), $"needs API keys, from {ApiKeySet.EnvironmentVariable} or a key file.", nameof(ApiKeys));
        if (RateLimitPerMinute is < 0 or > MaxRateLimitPerMinute) throw new ArgumentException($"rate limit per minute must be from 0 (off) to {MaxRateLimitPerMinute}.");
        if (MaxBatchSize < 1) throw new ArgumentException("max batch size must be at least 1.");
        if (MaxBatchTokens < 2) throw new ArgumentException("max batch tokens must be at least 2.");
        if (MaxQueueDelay < TimeSpan.Zero) throw new ArgumentException("max queue delay cannot be negative.");
        if (ParallelRuns < 0) throw new ArgumentException("parallel runs cannot be negative (0: one per processor).");
        if (IntraOpThreads < 0) throw new ArgumentException("intra-op threads cannot be negative (0: automatic).");
        if (ConcurrentBatches < 1) throw new ArgumentException("concurrent batches must be at least 1.");
        if (MaxQueuedTexts < 1) throw new ArgumentException("max queued texts must be at least 1.");
        if (MaxTextsPerRequest < 1) throw new ArgumentException("max texts per request must be at least 1.");
        if (MaxCharactersPerText < 1) throw new ArgumentException("max characters per text must be at least 1.");
        if (MaxRequestBodyBytes < 16) throw new ArgumentException("max request body must be at least 16 bytes.");
    }

    // Kestrel's own rules for an address (BindingAddress.Parse, then http or https only), checked before the host is built,
    // since Kestrel finds them only when it starts listening and then throws exceptions that read as bugs.
    private static void CheckAddress(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            throw new InvalidSettingException(nameof(Urls), $"'{url}' is not an address to listen on; give scheme://host:port, such as http://127.0.0.1:8080.");
        }
        if (!address.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !address.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
            throw new InvalidSettingException(nameof(Urls), $"{url}: the scheme '{address.Scheme}' cannot be served; use http:// or https://.");
        // BindingAddress takes a port it cannot read as part of the host and Kestrel then listens on port 80 of every
        // interface: "http://127.0.0.1:808O" must be refused, not served to the network.
        if (!address.IsUnixPipe && !address.IsNamedPipe && address.Host.Contains(':', StringComparison.Ordinal) && !address.Host.StartsWith('['))
            throw new InvalidSettingException(nameof(Urls), $"{url}: the port is not a number (scheme://host:port; an IPv6 host in brackets, such as http://[::1]:8080).");
        if (!address.IsUnixPipe && !address.IsNamedPipe && address.Port is < 0 or > 65535)
            throw new InvalidSettingException(nameof(Urls), $"{url}: port {address.Port} is out of range (0-65535).");
    }
}
