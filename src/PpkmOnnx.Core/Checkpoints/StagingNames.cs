using System.Diagnostics;
using System.Globalization;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// The names of temporary siblings that artifacts are written under before they are renamed into place
/// (<c>DEST.tmp-PID-GUID</c>), and the clean-up of those a killed run left: a staging name whose process is gone is
/// garbage, because only that process could have renamed it into place.
/// </summary>
public static class StagingNames
{
    private const string Marker = ".tmp-";

    /// <summary>A fresh staging name for <paramref name="destination"/> owned by this process.</summary>
    public static string For(string destination) =>
        destination + Marker + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");

    /// <summary>
    /// Deletes the staging files and folders of <paramref name="destination"/> whose process is no longer running (a run
    /// killed before it could clean up); those of running processes, this one included, are left alone.
    /// </summary>
    /// <returns>The paths deleted.</returns>
    public static IReadOnlyList<string> RemoveStale(string destination)
    {
        var full = Path.GetFullPath(destination.TrimEnd('/', '\\'));
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return [];
        var prefix = Path.GetFileName(full) + Marker;
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFileSystemEntries(parent, prefix + "*").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
        foreach (var path in candidates)
        {
            if (OwnerOf(Path.GetFileName(path), prefix) is not { } pid || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
                removed.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not ours to force: another user's leftovers, or a file in use. The next run tries again.
            }
        }
        return removed;
    }

    /// <summary>The process id in a staging name <c>PREFIXPID-GUID</c>, or null when the name is not one.</summary>
    internal static int? OwnerOf(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = name.AsSpan(prefix.Length);
        int dash = rest.IndexOf('-');
        if (dash <= 0 || rest.Length - dash - 1 != 32) return null;
        foreach (var c in rest[(dash + 1)..]) if (!char.IsAsciiHexDigit(c)) return null;
        return int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0 ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
