namespace PpkmOnnx.Core.Checkpoints;

/// <summary>Creates the folders results are written to, turning the user's path mistakes into <see cref="UserInputException"/>.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> (and its parents) unless it exists; returns its full path.</summary>
    /// <exception cref="UserInputException">The path, or a parent of it, is an existing file, or the folder cannot be created (permissions, read-only file system).</exception>
    public static string Create(string folder)
    {
        var full = CheckCreatable(folder);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A parent that is a file, a read-only file system, a folder we may not write.
            throw new UserInputException(folder, null, $"cannot create the output folder ({e.Message})", e);
        }
        return full;
    }

    /// <summary>
    /// Throws what <see cref="Create"/> would for a path that is, or lies under, an existing file, but creates nothing: a
    /// command that writes several outputs checks them all before it writes the first. Returns the full path.
    /// </summary>
    /// <exception cref="UserInputException">The path, or a parent of it, is an existing file.</exception>
    public static string CheckCreatable(string folder)
    {
        var full = Path.GetFullPath(folder);
        // The nearest existing ancestor decides: a folder can be created under it, a file cannot.
        for (var path = full; path is not null; path = Path.GetDirectoryName(path))
        {
            if (Directory.Exists(path)) break;
            if (File.Exists(path)) throw new UserInputException(path == full ? folder : path, null, "exists and is a file, not a folder; name a folder for the output.");
        }
        return full;
    }

    /// <summary>
    /// The error for a file or staging folder that cannot be created where the user asked for the output (a read-only or
    /// virtual file system, a folder we may not write), naming the output rather than the temporary name that failed.
    /// </summary>
    public static UserInputException NotWritable(string output, Exception cause) =>
        new(output, null, $"cannot be written there ({cause.Message})", cause);
}
