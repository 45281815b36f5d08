using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary><c>ppkm pretrained</c> run as a process, as a user runs it.</summary>
public sealed class PretrainedCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) Ppkm(string workingDirectory, params string[] args)
    {
        var r = PpkmProcess.Run(workingDirectory, args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public void Import_writes_the_checkpoint_and_refuses_to_overwrite_without_force()
    {
        using var temp = TestPaths.NewTempFolder();
        var (code, stdout, stderr) = Ppkm(temp.Path, "pretrained", "import", "arctic-xs");
        Assert.True(code == 0, stderr);
        Assert.Contains("Imported", stdout);
        var folder = temp.Combine("artifacts", "pretrained", "arctic-xs");
        var config = ModelConfig.Load(folder);
        Assert.Equal((6, 384, 12), (config.NumHiddenLayers, config.HiddenSize, config.NumAttentionHeads));
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));

        (code, _, stderr) = Ppkm(temp.Path, "pretrained", "import", "arctic-xs", "-o", folder);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {folder}: folder exists and is not empty; choose another output or pass --force to replace it.", stderr.Trim());
    }

    [Fact]
    public void The_command_list_names_the_models_by_the_names_import_takes()
    {
        using var temp = TestPaths.NewTempFolder();
        var (code, stdout, _) = Ppkm(temp.Path, "--help");
        Assert.Equal(0, code);
        Assert.Contains("List and import pretrained encoders (minilm = all-MiniLM-L6-v2, arctic-xs = snowflake-arctic-embed-xs)", stdout);
    }

    [Fact]
    public void Unknown_model_is_a_one_line_error_listing_the_known_ones()
    {
        using var temp = TestPaths.NewTempFolder();
        var (code, _, stderr) = Ppkm(temp.Path, "pretrained", "import", "bert-large");
        Assert.Equal(2, code);
        Assert.Equal("ppkm: error: unknown pretrained model 'bert-large' (known: minilm, arctic-xs).", stderr.Trim());
    }

    [Fact]
    public void List_names_both_models()
    {
        using var temp = TestPaths.NewTempFolder();
        var (code, stdout, _) = Ppkm(temp.Path, "pretrained", "list");
        Assert.Equal(0, code);
        Assert.Contains("minilm", stdout);
        Assert.Contains("arctic-xs", stdout);
    }
}
