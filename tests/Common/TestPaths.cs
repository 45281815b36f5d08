namespace PpkmOnnx.Tests.Common;

/// <summary>Locations the tests read: the repository root and the <c>../shared</c> folder beside it.</summary>
internal static class TestPaths
{
    /// <summary>The repository root (the folder holding PpkmOnnx.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The shared data folder beside the checkout, or null when absent.</summary>
    public static string? Shared
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("PPKM_SHARED");
            if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return env;
            var p = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
            return Directory.Exists(p) ? p : null;
        }
    }

    /// <summary>A path under ../shared; skips the calling test with a clear reason when it is absent.</summary>
    public static string SharedFile(params string[] parts)
    {
        Skip.If(Shared is null, "../shared is not beside this checkout (set PPKM_SHARED to its path); this test reads the real data there.");
        var path = Path.Combine(new[] { Shared! }.Concat(parts).ToArray());
        Skip.IfNot(File.Exists(path) || Directory.Exists(path), $"{path} is missing from ../shared.");
        return path;
    }

    /// <summary>A fresh empty temporary folder, deleted when disposed.</summary>
    public static TempFolder NewTempFolder() => new();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PpkmOnnx.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PpkmOnnx.sln not found above the test binaries.");
    }
}

/// <summary>A temporary folder that deletes itself.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ppkm-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine(new[] { Path }.Concat(parts).ToArray());

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
