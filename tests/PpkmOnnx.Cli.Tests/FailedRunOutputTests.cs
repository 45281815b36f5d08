using System.Text.Json.Nodes;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary>
/// What a <c>train</c>, <c>distill</c> or <c>adapt</c> run that fails leaves in its output folder: with <c>--force</c> over a
/// finished run, that run's files byte for byte until the new run has a checkpoint of its own; in a fresh folder, nothing.
/// The failure is real: a model whose config.json names an activation ppkm does not have, which is found at the first
/// forward pass, after the output folder was claimed and the records begun.
/// </summary>
public sealed class FailedRunOutputTests : IDisposable
{
    private readonly TempFolder _tmp = TestPaths.NewTempFolder();

    public void Dispose() => _tmp.Dispose();

    private static readonly string[] Tiny = ["--epochs", "1", "--batch-size", "16", "--device", "cpu", "--threads", "1", "--lr", "1e-3"];

    private (string Data, string Model) DemoAndTinyBert(bool classifier = true)
    {
        var data = _tmp.Combine("demo.tsv");
        DemoDataset.Write(data);
        return (data, TinyBert.Write(_tmp.Combine("model"), data, classifier));
    }

    // A copy of the model whose config.json names an activation ppkm cannot compute.
    private string WithUnknownActivation(string model, string name = "swish2")
    {
        var broken = _tmp.Combine(name);
        Directory.CreateDirectory(broken);
        foreach (var file in Directory.GetFiles(model)) File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(broken, "config.json")))!;
        config["hidden_act"] = "swish2";
        File.WriteAllText(Path.Combine(broken, "config.json"), config.ToJsonString());
        return broken;
    }

    private static async Task AssertFailsWithUnknownActivation(params string[] args)
    {
        var (code, _, error) = await CliInvocation.RunAsync(args);
        Assert.True(code == 2, error);
        Assert.True(error.StartsWith("ppkm: error: config.json: unsupported activation 'swish2'", StringComparison.Ordinal), error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Train_and_distill_with_force_that_fail_leave_the_finished_run_byte_for_byte_and_one_that_completes_replaces_it()
    {
        var (data, model) = DemoAndTinyBert();
        var output = _tmp.Combine("out");
        var (code, _, error) = await CliInvocation.RunAsync(["train", model, "--data", data, "-o", output, .. Tiny]);
        Assert.True(code == 0, error);
        var finished = FolderSnapshot.Take(output);
        Assert.Contains("model.safetensors", finished.Keys);
        Assert.Contains("training.json", finished.Keys);

        var broken = WithUnknownActivation(model);
        await AssertFailsWithUnknownActivation(["train", broken, "--data", data, "-o", output, "--force", .. Tiny]);
        FolderSnapshot.AssertUnchanged(finished, output);
        // The distilled student inherits the teacher's activation: the teacher's scoring pass fails.
        await AssertFailsWithUnknownActivation(["distill", broken, "--data", data, "-o", output, "--force", .. Tiny]);
        FolderSnapshot.AssertUnchanged(finished, output);

        // A run that completes replaces the finished one, and nothing it set aside is left behind.
        (code, _, error) = await CliInvocation.RunAsync(["train", model, "--data", data, "-o", output, "--force", .. Tiny, "--seed", "7"]);
        Assert.True(code == 0, error);
        var replaced = FolderSnapshot.Take(output);
        Assert.Equal(finished.Keys, replaced.Keys);
        Assert.False(finished["model.safetensors"].AsSpan().SequenceEqual(replaced["model.safetensors"]));
        Assert.Equal(7, JsonNode.Parse(replaced["training.json"])!["hyperparameters"]!["seed"]!.GetValue<int>());
        Assert.Empty(Directory.GetFileSystemEntries(output, ".replaced-*"));
    }

    [Fact]
    public async Task Train_and_adapt_that_fail_before_a_checkpoint_leave_no_fresh_output_folder()
    {
        var (data, model) = DemoAndTinyBert();
        var broken = WithUnknownActivation(model);
        await AssertFailsWithUnknownActivation(["train", broken, "--data", data, "-o", _tmp.Combine("trained"), .. Tiny]);
        Assert.False(Directory.Exists(_tmp.Combine("trained")));

        // An existing folder keeps what the user had in it, and gets nothing of the run's.
        var mine = _tmp.Combine("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        await AssertFailsWithUnknownActivation(["train", broken, "--data", data, "-o", mine, .. Tiny]);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));

        var baseBroken = WithUnknownActivation(TinyBert.Write(_tmp.Combine("base"), data, classifier: false), "base-swish2");
        await AssertFailsWithUnknownActivation(["adapt", baseBroken, "--corpus", data, "-o", _tmp.Combine("adapted"), "--max-steps", "2", "--batch-size", "8", "--device", "cpu", "--threads", "1"]);
        Assert.False(Directory.Exists(_tmp.Combine("adapted")));
    }

    [Fact]
    public async Task Adapt_with_force_that_fails_leaves_the_finished_adaptation_byte_for_byte()
    {
        var (data, model) = DemoAndTinyBert(classifier: false);
        var output = _tmp.Combine("adapted");
        string[] adapt = ["--corpus", data, "-o", output, "--max-steps", "2", "--batch-size", "8", "--max-length", "32", "--device", "cpu", "--threads", "1"];
        var (code, _, error) = await CliInvocation.RunAsync(["adapt", model, .. adapt]);
        Assert.True(code == 0, error);
        var finished = FolderSnapshot.Take(output);
        Assert.Contains("adapt.json", finished.Keys);
        Assert.Contains("adapt-log.jsonl", finished.Keys);

        await AssertFailsWithUnknownActivation(["adapt", WithUnknownActivation(model), .. adapt, "--force"]);
        FolderSnapshot.AssertUnchanged(finished, output);
    }

    [Fact]
    public async Task Adapt_on_a_corpus_with_no_token_to_mask_names_the_cause_not_the_learning_rate()
    {
        var (_, model) = DemoAndTinyBert(classifier: false);
        // Emoji only: the tiny vocabulary reads every word as [UNK], so no position can be masked and the loss would be 0/0.
        var emoji = _tmp.Combine("emoji.txt");
        File.WriteAllLines(emoji, Enumerable.Range(0, 100).Select(i => string.Concat(Enumerable.Repeat("\U0001F600\U0001F601 \U0001F602", 1 + i % 3))));
        var output = _tmp.Combine("adapted");
        var (code, _, error) = await CliInvocation.RunAsync(["adapt", model, "--corpus", emoji, "-o", output, "--max-steps", "2", "--batch-size", "8", "--max-length", "32", "--device", "cpu", "--threads", "1"]);
        Assert.Equal(2, code);
        // Three distinct lines (the corpus is de-duplicated), none held back.
        Assert.Equal($"ppkm: error: {model}: no token of the corpus's 3 training texts can be masked: under this vocabulary every one is [UNK] or a special token. "
            + "Use a vocabulary that covers the corpus's words (--vocab), or a corpus in its language.", error.TrimEnd());
        Assert.DoesNotContain("--lr", error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task A_damaged_resume_point_is_one_line_naming_the_file()
    {
        var (data, model) = DemoAndTinyBert();
        // A resume.json that is not JSON where train expects its resume point; adapt's state.json likewise.
        var output = _tmp.Combine("out");
        Directory.CreateDirectory(Path.Combine(output, "resume"));
        var resumeJson = Path.Combine(output, "resume", "resume.json");
        File.WriteAllText(resumeJson, "{\"x\":1");
        var (code, _, error) = await CliInvocation.RunAsync(["train", model, "--data", data, "-o", output, "--resume", .. Tiny]);
        Assert.Equal(2, code);
        Assert.True(error.StartsWith($"ppkm: error: {resumeJson}: the resume point is damaged (", StringComparison.Ordinal), error);
        Assert.EndsWith("); it cannot be continued, start afresh with --force instead of --resume.", error.TrimEnd());
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.True(File.Exists(resumeJson), "a refused resume keeps what is there");

        var adapted = _tmp.Combine("adapted");
        Directory.CreateDirectory(Path.Combine(adapted, "resume"));
        var stateJson = Path.Combine(adapted, "resume", "state.json");
        File.WriteAllText(stateJson, "{\"step\": 3");
        var baseModel = TinyBert.Write(_tmp.Combine("base"), data, classifier: false);
        (code, _, error) = await CliInvocation.RunAsync(["adapt", baseModel, "--corpus", data, "-o", adapted, "--resume", "--max-steps", "4", "--batch-size", "8", "--device", "cpu", "--threads", "1"]);
        Assert.Equal(2, code);
        Assert.True(error.StartsWith($"ppkm: error: {stateJson}: the resume point is damaged (", StringComparison.Ordinal), error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
