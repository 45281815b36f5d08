namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// Writes files under a temporary sibling name and renames them into place, so a crash or Ctrl-C never
/// leaves a half-written artifact where a reader would take it for a good one.
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
        var staged = new List<(string Temporary, string Full)>();
        try
        {
            foreach (var (path, write) in files)
            {
                var full = Path.GetFullPath(path);
                if (Directory.Exists(full)) throw new UserInputException(path, null, "exists and is a folder; name a file for the output.");
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
