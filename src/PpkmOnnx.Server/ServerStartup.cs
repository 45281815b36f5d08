using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PpkmOnnx.Core;
using PpkmOnnx.Server.Access;
using PpkmOnnx.Server.Models;

namespace PpkmOnnx.Server;

/// <summary>
/// Starts a built server the way <c>ppkm serve</c> does: every model loaded and warmed up first, then listening, so a
/// model that cannot load or an address that cannot be bound stops the start with a <see cref="UserInputException"/>.
/// </summary>
public static class ServerStartup
{
    /// <summary>
    /// Loads <paramref name="app"/>'s models, then starts it listening on <paramref name="options"/>' addresses, and warns
    /// (<see cref="ExposureWarnings"/>) when an address reachable from other machines lacks TLS or API keys.
    /// </summary>
    /// <exception cref="UserInputException">
    /// A model cannot be loaded (without <see cref="ServerOptions.AllowPartial"/>, or none can), or an address is in use, not permitted or not this machine's.
    /// </exception>
    public static async Task StartAsync(WebApplication app, ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var catalog = app.Services.GetRequiredService<ModelCatalog>();
        await catalog.LoadAllAsync(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var failures = catalog.Failures;
        if (failures.Count > 0 && !(options.AllowPartial && catalog.Models.Count > 0))
        {
            var (name, error) = failures.First();
            if (error is not UserInputException) ExceptionDispatchInfo.Throw(error); // a bug, reported as one
            var failure = (UserInputException)error;
            bool hint = !options.AllowPartial && options.Models.Count > 1;
            throw new SettingsAdviceException(setting =>
                $"model '{name}' cannot be served: {failure.Word(setting)}{(hint ? $" ({setting(nameof(ServerOptions.AllowPartial))} serves the models that load)" : "")}", innerException: error);
        }
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (ListenFailure(e) is { } cause)
        {
            throw new InvalidSettingException(nameof(ServerOptions.Urls), $"{options.Urls}: cannot listen: {cause.Message.TrimEnd('.')} (choose another address).", e);
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PpkmOnnx.Server");
        foreach (var warning in ExposureWarnings.For(options)) logger.LogWarning("{Warning}", warning);
    }

    /// <summary>
    /// The socket error behind a failed bind, or null for any other failure: Kestrel throws <see cref="AddressInUseException"/>
    /// itself, wraps it or another <see cref="SocketException"/> (permission denied) in an <see cref="IOException"/>, and lets a
    /// bare <see cref="SocketException"/> through for an address no interface of this machine has.
    /// </summary>
    private static Exception? ListenFailure(Exception e) => e switch
    {
        AddressInUseException or SocketException => e,
        IOException { InnerException: AddressInUseException or SocketException } => e.InnerException,
        _ => null,
    };
}
