namespace PpkmOnnx.Cli.Common;

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (unlike <see cref="Progress{T}"/>, which posts to the thread pool and can reorder or outlive the work).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
