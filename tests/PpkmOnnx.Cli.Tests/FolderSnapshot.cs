namespace PpkmOnnx.Cli.Tests;

/// <summary>Every file under a folder (hidden ones too) with its bytes, to show a folder came through a run unchanged.</summary>
internal static class FolderSnapshot
{
    /// <summary>The files under <paramref name="folder"/> by relative path.</summary>
    public static SortedDictionary<string, byte[]> Take(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes), StringComparer.Ordinal);

    /// <summary>Asserts <paramref name="folder"/> holds exactly the files of <paramref name="before"/>, byte for byte.</summary>
    public static void AssertUnchanged(SortedDictionary<string, byte[]> before, string folder)
    {
        var after = Take(folder);
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} changed");
    }
}
