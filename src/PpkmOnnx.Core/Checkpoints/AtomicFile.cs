using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Writes files under a temporary sibling name and renames them into place, so a crash or Ctrl-C never
/// leaves a half-written artifact where a reader would take it for a good one. A destination that is a symbolic link keeps
/// its link: the file it points to is the one replaced. A device, named pipe or socket (<c>/dev/null</c>, <c>/dev/stdout</c>,
/// a FIFO a reader waits on) is written in place, as a shell's <c>&gt;</c> would: renaming a file over it would destroy it.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> by calling <paramref name="write"/> on a temporary stream, then renaming.</summary>
    public static void Write(string path, Action<Stream> write) => WriteTogether([(path, write)]);

    /// <summary>
    /// Writes several files that belong together (an artifact and its record): every file is written in full under its
    /// temporary name first, and only then are they renamed into place, one after the other. A failure while writing (a
    /// full disk, a cancellation) changes none of them; what is left is the microseconds between the renames.
    /// </summary>
    /// <param name="files">Each target path with the callback that writes its content.</param>
    public static void WriteTogether(IReadOnlyList<(string Path, Action<Stream> Write)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        // Every path is checked before the first folder is created or file written: a refused run leaves nothing behind.
        foreach (var (path, _) in files) CheckFilePath(path);
        var staged = new List<(string Temporary, string Full)>();
        try
        {
            foreach (var (path, write) in files)
            {
                var full = Path.GetFullPath(path);
                if (FileKind.IsSpecial(full))
                {
                    WriteInPlace(path, full, write);
                    continue;
                }
                full = FinalTarget(full);
                OutputFolder.Create(Path.GetDirectoryName(full)!);
                StagingNames.RemoveStale(full);
                var tmp = StagingNames.For(full);
                staged.Add((tmp, full));
                using var stream = Create(path, tmp);
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            foreach (var (tmp, full) in staged) File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            foreach (var (tmp, _) in staged)
                try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Refuses a path that cannot name a file: an existing folder, or a path ending in a directory separator
    /// (<c>out/new/</c>), which names a folder whether or not it exists.
    /// </summary>
    /// <exception cref="UserInputException">The path names a folder.</exception>
    public static void CheckFilePath(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new UserInputException(path, null, "exists and is a folder; name a file for the output.");
        if (Path.EndsInDirectorySeparator(path))
            throw new UserInputException(path, null, $"ends in '{path[^1]}', so it names a folder{(File.Exists(full.TrimEnd('/', '\\')) ? "" : " (which does not exist)")}, not a file; name a file for the output.");
    }

    // A device or pipe: no temporary name, no rename, no fsync (a terminal or /dev/null refuses one).
    private static void WriteInPlace(string path, string full, Action<Stream> write)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputFolder.NotWritable(path, e);
        }
        using (stream)
        {
            write(stream);
            stream.Flush();
        }
    }

    // The file a chain of symbolic links ends at (which need not exist yet), or the path itself when it is no link.
    private static string FinalTarget(string full)
    {
        if (new FileInfo(full).LinkTarget is null) return full;
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException e)
        {
            throw new UserInputException(full, null, $"cannot follow its symbolic link ({e.Message})", e); // a loop, too many levels
        }
    }

    private static FileStream Create(string path, string temporary)
    {
        try
        {
            return new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputFolder.NotWritable(path, e);
        }
    }

    /// <summary>Writes text (UTF-8, no BOM) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { var bytes = new System.Text.UTF8Encoding(false).GetBytes(text); s.Write(bytes); });

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }
}
