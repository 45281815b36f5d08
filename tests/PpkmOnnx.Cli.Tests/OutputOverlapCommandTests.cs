using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// No command writes its output over or into what it reads: predictions over their input or into the package, a package or
/// tokenizer folder over the folder holding its checkpoint or corpus (even with --force), a split over its own file. Each
/// is refused in one line (exit 2) and the input is left byte for byte as it was. A symbolic link to nothing is a missing
/// input, not an internal error.
/// </summary>
public sealed class OutputOverlapCommandTests : IDisposable
{
    private readonly TempFolder _tmp = TestPaths.NewTempFolder();

    public void Dispose() => _tmp.Dispose();

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliInvocation.RunAsync(args);

    private string Texts()
    {
        var path = _tmp.Combine("texts.csv");
        File.WriteAllText(path, "text\nppkm bagus sekali\nvaksin buruk\n");
        return path;
    }

    private static string Snapshot(string folder) => string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal).Select(f => $"{Path.GetRelativePath(folder, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));

    [Fact]
    public async Task Predictions_over_their_input_or_into_the_package_are_refused_and_both_stay_as_they_were()
    {
        var package = _tmp.Combine("pkg");
        TinyPackage.Create(5).WriteTo(package);
        var input = Texts();
        var before = (File.ReadAllText(input), Snapshot(package));

        var (code, _, err) = await Run("predict", package, "-i", input, "-o", input, "--provider", "cpu");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {input}: is also the input {input}; name another output.", err.Trim());

        var config = Path.Combine(package, "config.json");
        (code, _, err) = await Run("predict", package, "-i", input, "-o", config, "--format", "csv", "--provider", "cpu");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {config}: lies inside the input folder {package}, whose files it could replace; write it elsewhere.", err.Trim());
        Assert.Equal(before, (File.ReadAllText(input), Snapshot(package)));
    }

    [Fact]
    public async Task Export_with_force_into_the_checkpoint_or_the_folder_holding_it_is_refused_and_the_checkpoint_is_kept()
    {
        var holder = _tmp.Combine("runs");
        var demo = _tmp.Combine("demo.tsv");
        File.WriteAllText(demo, "text\tlabel\nppkm bagus sekali\tpositive\nvaksin buruk\tnegative\n");
        var checkpoint = TinyBert.Write(Path.Combine(holder, "ckpt"), demo);
        var before = Snapshot(holder);

        var (code, _, err) = await Run("export", checkpoint, "-o", checkpoint, "--force", "--no-validate");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {checkpoint}: is also the input {checkpoint}; name another folder for the output.", err.Trim());
        (code, _, err) = await Run("export", checkpoint, "-o", holder, "--force", "--no-validate");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {holder}: holds the input {checkpoint}, which writing this output would replace; name another folder.", err.Trim());
        Assert.Equal(before, Snapshot(holder));
    }

    [Theory]
    [InlineData("pkg/triton", "pkg/triton/pkg")] // the Triton entry inside the package
    [InlineData("pkg", "pkg/pkg")]
    [InlineData(".", "pkg")] // the repository holds the package, and the entry (named after it) is the package
    public async Task A_triton_entry_overlapping_the_package_is_refused_before_any_work_and_an_existing_package_is_kept(string repo, string entry)
    {
        var demo = _tmp.Combine("demo.tsv");
        File.WriteAllText(demo, "text\tlabel\nppkm bagus sekali\tpositive\nvaksin buruk\tnegative\n");
        var checkpoint = TinyBert.Write(_tmp.Combine("ckpt"), demo);
        var package = _tmp.Combine("pkg");
        TinyPackage.Create(5).WriteTo(package); // an earlier package, which --force would replace
        var before = Snapshot(_tmp.Path);

        var (code, _, err) = await Run("export", checkpoint, "-o", package, "--force", "--no-validate", "--triton-repo", _tmp.Combine(repo));
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {Path.Combine(_tmp.Combine(repo), Path.GetFileName(package))}: overlaps the other output {package}: "
            + "each replaces its folder as a whole, so name folders apart.", err.Trim());
        Assert.Equal(before, Snapshot(_tmp.Path));
        Assert.Equal(_tmp.Combine(entry), Path.GetFullPath(Path.Combine(_tmp.Combine(repo), "pkg")));
    }

    public static TheoryData<string, string[]> OutputsInsideAnInputFolder => new()
    {
        { "train", ["train", "{model}", "--data", "{demo}", "-o", "{model}/sub", "--epochs", "1"] },
        { "distill", ["distill", "{model}", "--data", "{demo}", "-o", "{model}/student", "--epochs", "1"] },
        { "prune", ["prune", "{model}", "--data", "{demo}", "-o", "{model}/pruned", "--heads-keep", "0.5"] },
        { "adapt", ["adapt", "{model}", "--corpus", "{demo}", "-o", "{model}/adapted", "--max-steps", "1"] },
        { "export", ["export", "{model}", "-o", "{model}/onnx", "--no-validate"] },
        { "export", ["export", "{model}", "-o", "{tmp}/pkg2", "--no-validate", "--triton-repo", "{model}/triton"] },
        { "bench", ["bench", "{package}", "--data", "{demo}", "-o", "{package}/bench", "--quick"] },
        { "baseline", ["baseline", "--data", "{demo}", "--models", "logreg", "--ensemble-with", "{package}", "-o", "{package}/baseline"] },
    };

    [Theory]
    [MemberData(nameof(OutputsInsideAnInputFolder))]
    public async Task An_output_folder_inside_an_input_folder_is_refused_before_any_work_and_the_input_is_kept(string command, string[] template)
    {
        var demo = _tmp.Combine("demo.tsv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(_tmp.Combine("model"), demo);
        var package = _tmp.Combine("pkg");
        TinyPackage.Create(5).WriteTo(package);
        var before = (Snapshot(model), Snapshot(package));
        var args = template.Select(a => a.Replace("{model}", model).Replace("{package}", package).Replace("{demo}", demo).Replace("{tmp}", _tmp.Path)).ToArray();
        string output = args[Array.IndexOf(args, "-o") + 1], entry = Path.Combine(model, "triton", "pkg2");
        bool triton = args.Contains("--triton-repo");
        string input = output.StartsWith(package + "/") ? package : model;

        var (code, _, err) = await Run(args);

        Assert.True(code == 2, $"{command}: {err}");
        Assert.Equal($"ppkm: error: {(triton ? entry : output)}: lies inside the input folder {input}, whose files it could replace; write it elsewhere.", err.Trim());
        Assert.Equal(before, (Snapshot(model), Snapshot(package)));
    }

    [Fact]
    public async Task A_tokenizer_folder_over_its_own_corpus_is_refused_even_with_force()
    {
        var folder = _tmp.Combine("corpus");
        Directory.CreateDirectory(folder);
        var corpus = Path.Combine(folder, "lines.txt");
        File.WriteAllText(corpus, string.Join("\n", Enumerable.Repeat("ppkm bagus sekali vaksin buruk", 20)) + "\n");
        var before = Snapshot(folder);

        var (code, _, err) = await Run("tokenizer", "train", corpus, "-o", folder, "--force", "--vocab-size", "100");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {folder}: holds the input {corpus}, which writing this output would replace; name another folder.", err.Trim());
        Assert.Equal(before, Snapshot(folder));
    }

    [Fact]
    public async Task A_split_that_would_overwrite_its_own_file_is_refused_and_one_beside_it_is_written()
    {
        var folder = _tmp.Combine("data");
        Directory.CreateDirectory(folder);
        var rows = string.Join("\n", Enumerable.Range(0, 60).Select(i => $"tweet nomor {i}\t{(i % 2 == 0 ? "positive" : "negative")}"));
        var own = Path.Combine(folder, "train.tsv");
        File.WriteAllText(own, "text\tlabel\n" + rows + "\n");
        var before = File.ReadAllText(own);

        var (code, _, err) = await Run("data", "split", own, "-o", folder);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {own}: is also the input {own}; name another output.", err.Trim());
        Assert.Equal(before, File.ReadAllText(own));
        Assert.Single(Directory.GetFiles(folder));

        var raw = Path.Combine(folder, "raw.tsv");
        File.Move(own, raw);
        (code, _, err) = await Run("data", "split", raw, "-o", folder);
        Assert.True(code == 0, err);
        Assert.Equal(["raw.tsv", "split.json", "test.tsv", "train.tsv", "validation.tsv"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_symbolic_link_to_nothing_is_a_missing_input_not_an_internal_error()
    {
        var link = _tmp.Combine("tweets.csv");
        var missing = _tmp.Combine("gone.csv");
        File.CreateSymbolicLink(link, missing);
        var (code, _, err) = await Run("data", "inspect", link);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: Could not find file '{link}'. (a symbolic link to {missing}, which does not exist)", err.Trim());
    }
}
