using System.Net;
using Microsoft.AspNetCore.Http;

namespace PpkmOnnx.Server.Access;

/// <summary>
/// What a server reachable from other machines lacks: TLS (texts and keys readable on the network) or API keys (anyone
/// who can reach it can use it). Loopback addresses and Unix sockets are local and get no warning.
/// </summary>
public static class ExposureWarnings
{
    /// <summary>One warning per missing protection of each non-loopback address in <see cref="ServerOptions.Urls"/>.</summary>
    public static IReadOnlyList<string> For(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var warnings = new List<string>();
        foreach (var url in options.Addresses)
        {
            if (IsLocal(url)) continue;
            if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                warnings.Add($"{url} is reachable from other machines without TLS: texts and API keys cross the network in clear text (--tls-cert FILE --tls-key FILE).");
            if (options.ApiKeys is null)
                warnings.Add($"{url} is reachable from other machines without an API key: anyone who reaches it can use it (--api-key-file FILE or {ApiKeySet.EnvironmentVariable}).");
        }
        return warnings;
    }

    /// <summary>True for loopback addresses (127.0.0.0/8, ::1, localhost) and Unix sockets.</summary>
    public static bool IsLocal(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }
        if (address.IsUnixPipe || address.IsNamedPipe) return true;
        var host = address.Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
