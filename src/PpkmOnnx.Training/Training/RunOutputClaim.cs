using System.Globalization;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// A training run's (<c>train</c>, <c>distill</c>, <c>adapt</c>) hold on the files it writes in its output folder until it has a
/// checkpoint of its own. A run that ends without one (an error, or an interruption before its first checkpoint) must leave
/// the folder as it found it: the files of the run it replaces (with Force) are moved aside at the start, by rename into a
/// hidden subfolder of the output (the same file system, so nothing is copied), and are deleted only once the new run has
/// saved a checkpoint (<see cref="Keep"/>); <see cref="Abandon"/> deletes what the new run wrote and moves them back.
/// A process killed outright (a second Ctrl-C) leaves them in that subfolder, <c>.replaced-PID-GUID</c>.
/// </summary>
internal sealed class RunOutputClaim
{
    private const string SetAsidePrefix = ".replaced-";

    private readonly string _output;
    private readonly IReadOnlyList<string> _entries;
    private readonly bool _createdFolder;
    private string? _setAside;

    private RunOutputClaim(string output, IReadOnlyList<string> entries, bool createdFolder, bool hasCheckpoint)
    {
        _output = output;
        _entries = entries;
        _createdFolder = createdFolder;
        HasCheckpoint = hasCheckpoint;
    }

    /// <summary>Whether the folder holds a checkpoint of this run (or, resuming, of the run it continues): then nothing is undone.</summary>
    public bool HasCheckpoint { get; private set; }

    /// <summary>Whether files of an earlier run were moved aside and come back if this run ends without a checkpoint.</summary>
    public bool ReplacesEarlierRun => _setAside is not null;

    /// <summary>
    /// Creates <paramref name="output"/> when it is missing and, unless <paramref name="resuming"/> (whose resume point is the
    /// checkpoint to keep), moves aside the <paramref name="entries"/> (file and folder names the run writes) that are there.
    /// </summary>
    /// <exception cref="Core.UserInputException">The folder cannot be created, or its files cannot be moved.</exception>
    public static RunOutputClaim Begin(string output, IReadOnlyList<string> entries, bool resuming)
    {
        bool created = !Directory.Exists(output);
        OutputFolder.Create(output);
        var claim = new RunOutputClaim(output, entries, created, hasCheckpoint: resuming);
        if (!resuming) claim.SetAsideEarlierRun();
        return claim;
    }

    /// <summary>The run has saved a checkpoint of its own: the earlier run's files are no longer needed.</summary>
    public void Keep()
    {
        if (HasCheckpoint) return;
        HasCheckpoint = true;
        if (_setAside is not { } aside) return;
        _setAside = null;
        try { Directory.Delete(aside, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a hidden leftover, not a wrong result
    }

    /// <summary>
    /// The run ends without a checkpoint: deletes what it wrote under its entries' names, moves the earlier run's files
    /// back and removes the output folder when this run created it and it is empty. Nothing happens once <see cref="HasCheckpoint"/>.
    /// </summary>
    public void Abandon()
    {
        if (HasCheckpoint) return;
        foreach (var entry in _entries) Delete(Path.Combine(_output, entry));
        PutBack();
        if (_createdFolder && Directory.Exists(_output) && !Directory.EnumerateFileSystemEntries(_output).Any()) Directory.Delete(_output);
    }

    private void SetAsideEarlierRun()
    {
        var present = _entries.Where(e => Exists(Path.Combine(_output, e))).ToList();
        if (present.Count == 0) return;
        var aside = Path.Combine(_output, SetAsidePrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(aside);
            _setAside = aside;
            foreach (var entry in present) Move(Path.Combine(_output, entry), Path.Combine(aside, entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Put back what was moved before the failure: the refused run leaves the folder as it was.
            PutBack();
            throw OutputFolder.NotWritable(_output, e);
        }
    }

    // Moves the set-aside files to their names in the output, which the caller has freed.
    private void PutBack()
    {
        if (_setAside is not { } aside) return;
        foreach (var entry in _entries)
        {
            var from = Path.Combine(aside, entry);
            if (Exists(from)) Move(from, Path.Combine(_output, entry));
        }
        Directory.Delete(aside);
        _setAside = null;
    }

    // A symbolic link counts as what it is: it is moved (or deleted) itself, never the file it points to.
    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static void Move(string from, string to)
    {
        if (Directory.Exists(from) && new DirectoryInfo(from).LinkTarget is null) Directory.Move(from, to);
        else File.Move(from, to);
    }

    private static void Delete(string path)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null) Directory.Delete(path, recursive: true);
        else if (Exists(path)) File.Delete(path);
    }
}
