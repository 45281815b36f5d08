using System.Runtime.InteropServices;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as a cancellation for long work. While the scope lives, the first such signal cancels
/// <see cref="Token"/> (linked to the command's own token) instead of ending the process, so the work stops at its next
/// check, deletes its staging files or leaves its resume point, and the command exits 130. A second signal gets the
/// runtime's default handling and ends the process at once; what that leaves behind under a staging name is removed by
/// the next run to the same destination (<see cref="PpkmOnnx.Core.Checkpoints.StagingNames"/>).
/// </summary>
/// <remarks>
/// The commands' actions run synchronously, so System.CommandLine's own termination handler (registered only around
/// asynchronous work that has already returned its task) never sees these signals; this scope is what turns them into cancellation.
/// </remarks>
internal sealed class InterruptScope : IDisposable
{
    private readonly CancellationToken _commandToken;
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    /// <summary>Starts turning SIGINT and SIGTERM into cancellation of <see cref="Token"/>.</summary>
    public InterruptScope(CancellationToken commandToken)
    {
        _commandToken = commandToken;
        _source = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled by SIGINT, SIGTERM or the command's token.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether a signal (not the command's own token) cancelled the work.</summary>
    public bool Interrupted => Volatile.Read(ref _signals) > 0 && !_commandToken.IsCancellationRequested;

    private void OnSignal(PosixSignalContext context)
    {
        // The second signal is the user insisting: let the runtime end the process.
        if (Interlocked.Increment(ref _signals) > 1) return;
        context.Cancel = true;
        try { _source.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
