using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary><c>ppkm adapt</c> on bad input: one line, exit 2, no output folder.</summary>
public sealed class AdaptCommandTests
{
    private static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "baik", "buruk", "##nya"];

    private static string ModelFolder(TempFolder temp, string modelType = "bert", string[]? vocabulary = null)
    {
        var folder = temp.Combine("model");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocabulary ?? Vocabulary) + "\n");
        File.WriteAllText(Path.Combine(folder, "config.json"),
            $$"""{"model_type": "{{modelType}}", "vocab_size": 8, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16}""");
        // Present for the early folder check, never read: every refusal tested here comes before the weights are loaded.
        File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), []);
        return folder;
    }

    private static async Task AssertRefused(TempFolder temp, string expected, params string[] args)
    {
        var output = temp.Combine("out");
        var (code, _, error) = await CliInvocation.RunAsync(["adapt", .. args, "-o", output]);
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error);
        Assert.False(Directory.Exists(output), "nothing may be written on bad input");
    }

    [Fact]
    public async Task A_finished_adaptation_or_the_model_itself_as_output_is_refused_before_the_corpus_is_read()
    {
        using var temp = TestPaths.NewTempFolder();
        var model = ModelFolder(temp);
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "adapt.json"), "{}");
        // The corpus does not exist: an error about the output shows the check ran first.
        var missing = temp.Combine("missing.txt");
        foreach (var (extra, expected) in new[]
                 {
                     (Array.Empty<string>(), $"ppkm: error: {output}: holds a finished checkpoint (adapt.json is there); choose another output or pass --force to replace it."),
                     (["--resume"], $"ppkm: error: {output}: --resume was given but the run there finished (adapt.json is there), so there is nothing to continue; run without --resume to start afresh (with --force to replace what is there)."),
                 })
        {
            var (code, _, error) = await CliInvocation.RunAsync(["adapt", model, "--corpus", missing, "-o", output, .. extra]);
            Assert.Equal(2, code);
            Assert.Equal(expected, error.TrimEnd());
        }
        var (selfCode, _, selfError) = await CliInvocation.RunAsync(["adapt", model, "--corpus", missing, "-o", model, "--force"]);
        Assert.Equal(2, selfCode);
        Assert.Equal($"ppkm: error: {model}: is the model being adapted; name another folder for the result.", selfError.TrimEnd());
        Assert.Equal(["adapt.json"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_empty_corpus_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var corpus = temp.Combine("empty.txt");
        File.WriteAllText(corpus, "\n\n");
        await AssertRefused(temp, "empty", ModelFolder(temp), "--corpus", corpus);
    }

    [Fact]
    public async Task A_binary_corpus_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var corpus = temp.Combine("corpus.bin");
        File.WriteAllBytes(corpus, [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0xff, 0xfe, 0, 0, 9, 10, 0, 0]);
        await AssertRefused(temp, corpus, ModelFolder(temp), "--corpus", corpus);
    }

    [Fact]
    public async Task No_corpus_at_all_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        await AssertRefused(temp, "--corpus", ModelFolder(temp));
    }

    [Fact]
    public async Task A_vocabulary_without_mask_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var corpus = temp.Combine("corpus.txt");
        File.WriteAllText(corpus, "baik sekali\nburuk sekali\n");
        var vocab = temp.Combine("vocab", "vocab.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(vocab)!);
        File.WriteAllText(vocab, "[PAD]\n[UNK]\n[CLS]\n[SEP]\nbaik\n");
        await AssertRefused(temp, "[MASK]", ModelFolder(temp), "--corpus", corpus, "--vocab", vocab);
    }

    [Fact]
    public async Task A_checkpoint_that_is_not_bert_is_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var corpus = temp.Combine("corpus.txt");
        File.WriteAllText(corpus, "baik sekali\nburuk sekali\n");
        await AssertRefused(temp, "unsupported model_type 'gpt2'", ModelFolder(temp, "gpt2"), "--corpus", corpus);
    }

    [Fact]
    public async Task Out_of_range_options_are_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var corpus = temp.Combine("corpus.txt");
        File.WriteAllText(corpus, "baik sekali\n");
        await AssertRefused(temp, "--mask-probability must be a finite number from 0.01 to 0.99", ModelFolder(temp), "--corpus", corpus, "--mask-probability", "1.5");
        await AssertRefused(temp, "--lr must be a finite number", ModelFolder(temp), "--corpus", corpus, "--lr", "NaN");
    }
}
