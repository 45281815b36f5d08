using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Checkpoints;

public sealed class ArtifactJsonTests
{
    /// <summary>The version the build was given (Directory.Build.props) and the commit git reports for this checkout.</summary>
    private static (string Version, string? Commit) Expected()
    {
        var props = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "Directory.Build.props"));
        int start = props.IndexOf("<Version>", StringComparison.Ordinal) + "<Version>".Length;
        string version = props[start..props.IndexOf("</Version>", start, StringComparison.Ordinal)];
        string? commit = null;
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", "rev-parse HEAD") { WorkingDirectory = TestPaths.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true });
            commit = git!.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            if (git.ExitCode != 0) commit = null;
        }
        catch (System.ComponentModel.Win32Exception) { }
        return (version, commit);
    }

    [Fact]
    public void ToolInfo_is_the_props_version_and_the_checkouts_commit()
    {
        var (version, commit) = Expected();
        Assert.Equal(version, ToolInfo.PackageVersion);
        Skip.If(commit is null, "git is not available here");
        Assert.Equal(commit, ToolInfo.Commit);
        Assert.Equal($"{version}+{commit}", ToolInfo.Version);
    }

    [Fact]
    public void Write_stamps_the_tool_and_writes_atomically_from_a_record_or_an_object()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("out", "a.json");
        ArtifactJson.Write(path, new JsonObject { ["x"] = 1, ["tool"] = "someone else" });
        var a = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(1, (int)a["x"]!);
        Assert.Equal("ppkm", (string)a["tool"]!);
        Assert.StartsWith(Expected().Version, (string)a["tool_version"]!);
        Assert.EndsWith("\n", File.ReadAllText(path));

        var b = tmp.Combine("b.json");
        ArtifactJson.Write(b, new Sample("s", 2), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
        var read = JsonSerializer.Deserialize<Sample>(File.ReadAllText(b), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })!;
        Assert.Equal(new Sample("s", 2), read);
        Assert.Equal(ToolInfo.Version, (string)JsonNode.Parse(File.ReadAllText(b))!["tool_version"]!);
        Assert.Equal(["b.json", "out"], Directory.GetFileSystemEntries(tmp.Path).Select(p => Path.GetFileName(p)!).Order().ToArray());

        var ex = Assert.Throws<ArgumentException>(() => ArtifactJson.Write(tmp.Combine("c.json"), new[] { 1, 2 }, JsonSerializerOptions.Default));
        Assert.Contains("does not serialize to a JSON object", ex.Message);
        Assert.False(File.Exists(tmp.Combine("c.json")));
    }

    private sealed record Sample(string Name, int Count);
}
