namespace PpkmOnnx.Cli.Common;

/// <summary>
/// Ctrl-C as a cancellation for long work: while the scope lives, Ctrl-C cancels <see cref="Token"/> (linked to the
/// command's own token) instead of killing the process, so the work can leave its resume point or staging clean-up.
/// </summary>
internal sealed class CtrlCScope : IDisposable
{
    private readonly CancellationToken _commandToken;
    private readonly CancellationTokenSource _source;
    private readonly ConsoleCancelEventHandler _onCancel;

    public CtrlCScope(CancellationToken commandToken)
    {
        _commandToken = commandToken;
        _source = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        _onCancel = (_, e) => { e.Cancel = true; _source.Cancel(); };
        Console.CancelKeyPress += _onCancel;
    }

    /// <summary>Cancelled by Ctrl-C or by the command's token.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether Ctrl-C (not the command's own token) cancelled the work.</summary>
    public bool Pressed => _source.IsCancellationRequested && !_commandToken.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _source.Dispose();
    }
}
