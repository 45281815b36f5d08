using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// The packages as users consume them, outside the solution: the ppkm tool installed with <c>dotnet tool install</c>
/// (versions, a real command, training with libtorch — the GLIBCXX weak flag must hold in the packed copy), and
/// samples/PpkmOnnx.Sample built against the packed PpkmOnnx.Runtime from a local feed.
/// </summary>
public sealed partial class ToolPackageTests(PackedTool tool) : IClassFixture<PackedTool>
{
    private static string PinnedVersion(string package)
    {
        var props = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;
    }

    [Fact]
    public void The_feed_holds_the_tool_and_a_Runtime_package_that_lets_the_app_choose_the_native_library()
    {
        string v = ToolInfo.PackageVersion;
        var files = Directory.GetFiles(tool.Feed).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal([$"PpkmOnnx.Cli.{v}.nupkg", $"PpkmOnnx.Core.{v}.nupkg", $"PpkmOnnx.Core.{v}.snupkg", $"PpkmOnnx.Runtime.{v}.nupkg", $"PpkmOnnx.Runtime.{v}.snupkg"], files);

        using var runtime = ZipFile.OpenRead(Path.Combine(tool.Feed, $"PpkmOnnx.Runtime.{v}.nupkg"));
        var nuspec = XDocument.Load(runtime.GetEntry("PpkmOnnx.Runtime.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.NotNull(runtime.GetEntry("README.md"));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", metadata.Element(ns + "description")!.Value);
        var dependencies = metadata.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
        Assert.Equal(PinnedVersion("Microsoft.ML.OnnxRuntime.Managed"), dependencies["Microsoft.ML.OnnxRuntime.Managed"]);
        Assert.Equal(v, dependencies["PpkmOnnx.Core"]);
        // No native ONNX Runtime, no TorchSharp, no ASP.NET in what an app pulls in.
        Assert.DoesNotContain(dependencies.Keys, k => k.StartsWith("Microsoft.ML.OnnxRuntime.Gpu", StringComparison.Ordinal) || k == "Microsoft.ML.OnnxRuntime"
            || k.Contains("Torch", StringComparison.OrdinalIgnoreCase) || k.Contains("AspNetCore", StringComparison.Ordinal));

        using var core = ZipFile.OpenRead(Path.Combine(tool.Feed, $"PpkmOnnx.Core.{v}.nupkg"));
        var coreSpec = XDocument.Load(core.GetEntry("PpkmOnnx.Core.nuspec")!.Open());
        Assert.DoesNotContain(coreSpec.Descendants(coreSpec.Root!.Name.Namespace + "dependency"), d => (string)d.Attribute("id")! == "Microsoft.ML.Tokenizers");
    }

    [Fact]
    public void Installed_ppkm_prints_its_versions_and_installing_it_again_says_so_in_one_line()
    {
        var (code, output, error) = tool.RunPpkm("--version");
        Assert.True(code == 0, error);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal($"ppkm {ToolInfo.PackageVersion}", lines[0]);
        Assert.Equal($"commit {ToolInfo.Commit ?? "unknown (built outside a git checkout)"}", lines[1]);
        Assert.Equal($"ONNX Runtime {PinnedVersion("Microsoft.ML.OnnxRuntime.Gpu.Linux")}", lines[2]);
        Assert.StartsWith($"TorchSharp {PinnedVersion("TorchSharp")}", lines[3]);

        var again = tool.Install();
        Assert.Equal(0, again.Code);
        Assert.Equal($"Tool 'ppkmonnx.cli' (version '{ToolInfo.PackageVersion}') is already installed.", Assert.Single(again.Out.Trim().Split('\n')));
    }

    [GeneratedRegex(@"kept\s*│\s*48\s*│")]
    private static partial Regex KeptRow();

    [Fact]
    public void Installed_ppkm_inspects_demo_data_and_reports_bad_input_in_one_line()
    {
        var demo = tool.Temp.Combine("inspect-demo.tsv");
        Assert.Equal(0, tool.RunPpkm("data", "demo", "-o", demo, "--rows-per-class", "16").Code);
        var (code, output, error) = tool.RunPpkm("data", "inspect", demo);
        Assert.True(code == 0, error);
        Assert.Matches(KeptRow(), output);

        var missing = tool.Temp.Combine("missing.tsv");
        (code, output, error) = tool.RunPpkm("data", "inspect", missing);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.Equal($"ppkm: error: {missing}: file not found.\n", error);
    }

    [Fact]
    public void Installed_ppkm_trains_with_libtorch_and_records_its_version()
    {
        // On Debian 12 (libstdc++ without GLIBCXX_3.4.32) this only runs if the packed libLibTorchSharp.so was weakened.
        var (checkpoint, package, _) = tool.Model;
        var training = JsonNode.Parse(File.ReadAllText(Path.Combine(checkpoint, "training.json")))!;
        Assert.Equal("ppkm", (string)training["tool"]!);
        Assert.Equal(ToolInfo.Version, (string)training["tool_version"]!);
        Assert.Equal("cpu", (string)training["device"]!);
        Assert.True(File.Exists(Path.Combine(checkpoint, "model.safetensors")));
        var export = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "export.json")))!;
        Assert.Equal(ToolInfo.Version, (string)export["tool_version"]!);
        Assert.True((bool)export["validation"]!["passed"]!);
    }

    [Fact]
    public void The_sample_builds_against_the_packed_Runtime_classifies_two_tweets_and_names_the_missing_native_package()
    {
        var (_, package, _) = tool.Model;
        var sample = tool.Temp.Combine("sample");
        Directory.CreateDirectory(sample);
        foreach (var file in new[] { "PpkmOnnx.Sample.csproj", "Program.cs" })
            File.Copy(Path.Combine(TestPaths.RepositoryRoot, "samples", "PpkmOnnx.Sample", file), Path.Combine(sample, file));
        // Packages restored into a folder of its own (so a stale PpkmOnnx.Runtime of an earlier run is never reused),
        // falling back to the machine's packages folder for ONNX Runtime (downloaded there by this project's PackageDownload).
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var output = tool.Temp.Combine("sample-out");
        var build = PackedTool.Run("dotnet", ["build", sample, "-c", "Release", "-o", output, "--nologo", "-v", "q",
            $"-p:PpkmRuntimeVersion={ToolInfo.PackageVersion}", $"-p:PpkmOrtVersion={PinnedVersion("Microsoft.ML.OnnxRuntime")}",
            $"-p:RestoreAdditionalProjectSources={tool.Feed}", $"-p:RestorePackagesPath={tool.Temp.Combine("packages")}",
            $"-p:RestoreFallbackFolders={globalPackages}"]);
        Assert.True(build.Code == 0, $"sample build failed:\n{build.Out}\n{build.Err}");
        Assert.True(Directory.Exists(Path.Combine(tool.Temp.Combine("packages"), "ppkmonnx.runtime", ToolInfo.PackageVersion)), "PpkmOnnx.Runtime was not restored from the feed");

        string[] tweets = ["PPKM diperpanjang lagi, capek banget", "Vaksinasi lancar, terima kasih"];
        var run = PackedTool.Run("dotnet", [Path.Combine(output, "PpkmOnnx.Sample.dll"), package, .. tweets]);
        Assert.True(run.Code == 0, $"sample failed:\n{run.Out}\n{run.Err}");
        var lines = run.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(1 + tweets.Length, lines.Length);
        Assert.Contains($"on {SentimentClassifier.CpuProviderName}", lines[0]);
        using var classifier = SentimentClassifier.Load(package, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        var expected = classifier.Classify(tweets);
        for (int i = 0; i < tweets.Length; i++)
            Assert.Equal($"{expected[i].Label,-9} {string.Join("  ", expected[i].Scores.Select(s => $"{s.Label}={s.Score:F3}"))}  {tweets[i]}", lines[i + 1]);

        // The app without its native library: one line naming the package to add.
        foreach (var native in Directory.GetFiles(Path.Combine(output, "runtimes"), "libonnxruntime.so", SearchOption.AllDirectories))
            File.Delete(native);
        var missing = PackedTool.Run("dotnet", [Path.Combine(output, "PpkmOnnx.Sample.dll"), package, tweets[0]]);
        Assert.Equal(1, missing.Code);
        var line = Assert.Single(missing.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("PpkmOnnx.Sample: error: The native ONNX Runtime library is missing", line);
        Assert.Contains($"'dotnet add package Microsoft.ML.OnnxRuntime --version {PinnedVersion("Microsoft.ML.OnnxRuntime")}'", line);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", line);
    }
}
