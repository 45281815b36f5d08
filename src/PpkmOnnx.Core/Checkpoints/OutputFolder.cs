namespace PpkmOnnx.Core.Checkpoints;

/// <summary>Creates the folders results are written to, turning the user's path mistakes into <see cref="UserInputException"/>.</summary>
public static class OutputFolder
{
    /// <summary>Creates <paramref name="folder"/> (and its parents) unless it exists; returns its full path.</summary>
    /// <exception cref="UserInputException">The path, or a parent of it, is an existing file, or the folder cannot be created (permissions, read-only file system).</exception>
    public static string Create(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new UserInputException(folder, null, "exists and is a file, not a folder; name a folder for the output.");
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
    /// The error for a file or staging folder that cannot be created where the user asked for the output (a read-only or
    /// virtual file system, a folder we may not write), naming the output rather than the temporary name that failed.
    /// </summary>
    public static UserInputException NotWritable(string output, Exception cause) =>
        new(output, null, $"cannot be written there ({cause.Message})", cause);
}
