using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.IO;

/// <summary>
/// A temporary sibling of a destination folder that is filled and then renamed into place by <see cref="Commit"/>,
/// so a failed export or import never leaves a partial folder where a reader would take it for a finished one.
/// Disposing without committing deletes the temporary folder.
/// </summary>
public sealed class StagingFolder : IDisposable
{
    private readonly bool _overwrite;
    private bool _committed;

    private StagingFolder(string destination, bool overwrite)
    {
        Destination = destination;
        _overwrite = overwrite;
        // A run killed before it could clean up left its staging folder; its process is gone, so it is garbage.
        StagingNames.RemoveStale(destination);
        Path = StagingNames.For(destination);
        try
        {
            Directory.CreateDirectory(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw OutputFolder.NotWritable(destination, e);
        }
    }

    /// <summary>Where the folder lands on commit.</summary>
    public string Destination { get; }

    /// <summary>The temporary folder to write into.</summary>
    public string Path { get; }

    /// <summary>Starts staging for <paramref name="destination"/>.</summary>
    /// <exception cref="UserInputException">As <see cref="CheckDestination"/>; the destination's parent cannot be created.</exception>
    public static StagingFolder Begin(string destination, bool overwrite)
    {
        var full = CheckDestination(destination, overwrite);
        OutputFolder.Create(System.IO.Path.GetDirectoryName(full)!);
        return new StagingFolder(full, overwrite);
    }

    /// <summary>
    /// Whether <paramref name="destination"/> may receive a staged folder: not a file, and empty or absent unless
    /// <paramref name="overwrite"/> (the setting <c>Overwrite</c>, which a command line words as its flag). Callers that do
    /// minutes of work before <see cref="Begin"/> ask first. Returns the destination's full path.
    /// </summary>
    /// <exception cref="UserInputException">The destination, or a folder above it, is a file.</exception>
    /// <exception cref="SettingsAdviceException">The destination is a folder with content and <paramref name="overwrite"/> is false.</exception>
    public static string CheckDestination(string destination, bool overwrite)
    {
        var full = System.IO.Path.GetFullPath(destination.TrimEnd('/', '\\'));
        if (File.Exists(full)) throw new UserInputException($"{full}: exists and is a file, not a folder.");
        OutputFolder.CheckCreatable(System.IO.Path.GetDirectoryName(full)!);
        if (!overwrite && Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new SettingsAdviceException(name => $"{full}: folder exists and is not empty; choose another output or pass {name(OverwriteSetting)} to replace it.", full);
        return full;
    }

    /// <summary>The setting that allows replacing a destination with content (export's and import's <c>overwrite</c>).</summary>
    public const string OverwriteSetting = "Overwrite";

    /// <summary>A path inside the temporary folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());

    /// <summary>Moves the temporary folder to <see cref="Destination"/>, replacing an existing one when allowed.</summary>
    public void Commit()
    {
        if (Directory.Exists(Destination))
        {
            if (!_overwrite && Directory.EnumerateFileSystemEntries(Destination).Any())
                throw new UserInputException($"{Destination}: folder appeared while writing; not replacing it.");
            // Move the old folder aside first so the destination is never half old, half new.
            var aside = Destination + $".old-{Guid.NewGuid():N}";
            Directory.Move(Destination, aside);
            Directory.Move(Path, Destination);
            try { Directory.Delete(aside, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        else
        {
            Directory.Move(Path, Destination);
        }
        _committed = true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_committed) return;
        try { if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
