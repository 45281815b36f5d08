using System.Text.Json.Nodes;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

public sealed class TokenizerCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliInvocation.RunAsync(args);

    [Fact]
    public async Task Train_writes_a_tokenizer_folder_with_the_hand_computed_vocabulary()
    {
        // The corpus of WordPieceTrainerTests (worked out there; the default frequency rule merges "ab" then "ca"):
        // a CSV with a Tweet column and a plain text file.
        using var tmp = TestPaths.NewTempFolder();
        File.WriteAllText(tmp.Combine("a.csv"), "id,Tweet\n1,\"Ab ab ab, abc!\"\n");
        File.WriteAllText(tmp.Combine("b.txt"), "ca ca\n");
        var (code, output, error) = await Run("tokenizer", "train", tmp.Combine("a.csv"), tmp.Combine("b.txt"), "--text-column", "Tweet",
            "--vocab-size", "100", "-o", tmp.Combine("tok"));
        Assert.True(code == 0, error);
        Assert.Contains("15 tokens", output);
        Assert.Contains("at least 2 times", output);

        Assert.Equal("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n!\n,\na\nb\nc\n##a\n##b\n##c\nab\nca\n", File.ReadAllText(tmp.Combine("tok", "vocab.txt")));
        var config = JsonNode.Parse(File.ReadAllText(tmp.Combine("tok", "tokenizer_config.json")))!;
        Assert.True(config["do_lower_case"]!.GetValue<bool>());
        var fast = JsonNode.Parse(File.ReadAllText(tmp.Combine("tok", "tokenizer.json")))!;
        Assert.Equal(13, fast["model"]!["vocab"]!["ab"]!.GetValue<int>());
        Assert.Equal([2, 13, 12, 14, 3], BertWordPieceTokenizer.FromFolder(tmp.Combine("tok")).EncodeToIds("abc CA"));
        Assert.Empty(Directory.GetDirectories(tmp.Path, "tok.tmp-*"));
    }

    [Fact]
    public async Task Stats_counts_words_pieces_and_tokens_per_text()
    {
        using var tmp = TestPaths.NewTempFolder();
        File.WriteAllText(tmp.Combine("corpus.txt"), "Ab ab ab, abc!\nca ca\n");
        Assert.Equal(0, (await Run("tokenizer", "train", tmp.Combine("corpus.txt"), "-o", tmp.Combine("tok"), "--vocab-size", "100")).Code);
        File.WriteAllText(tmp.Combine("eval.txt"), "abc ca\nab\n");
        var (code, output, error) = await Run("tokenizer", "stats", tmp.Combine("tok"), "--data", tmp.Combine("eval.txt"));
        Assert.True(code == 0, error);
        // Words: abc, ca, ab = 3; pieces: ab ##c ca + ab = 4 → 1.333 per word; tokens per text (4 + 2·2) / 2 = 4.00.
        Assert.Contains("1.333", output);
        Assert.Contains("4.00", output);
    }

    [Fact]
    public async Task A_tokenizer_folder_with_content_is_kept_unless_force_in_the_words_of_every_folder_output()
    {
        using var tmp = TestPaths.NewTempFolder();
        File.WriteAllText(tmp.Combine("corpus.txt"), "Ab ab ab, abc!\nca ca\n");
        var tok = tmp.Combine("tok");
        Directory.CreateDirectory(tok);
        File.WriteAllText(Path.Combine(tok, "notes.txt"), "mine");
        var (code, _, error) = await Run("tokenizer", "train", tmp.Combine("corpus.txt"), "-o", tok, "--vocab-size", "100");
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {Path.GetFullPath(tok)}: folder exists and is not empty; choose another output or pass --force to replace it.", error.Trim());
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(tok).Select(Path.GetFileName));
        Assert.Equal(0, (await Run("tokenizer", "train", tmp.Combine("corpus.txt"), "-o", tok, "--vocab-size", "100", "--force")).Code);
        Assert.True(File.Exists(Path.Combine(tok, "vocab.txt")));
    }

    [Fact]
    public async Task Vocab_size_below_the_alphabet_is_one_line_exit_2_and_nothing_written()
    {
        using var tmp = TestPaths.NewTempFolder();
        File.WriteAllText(tmp.Combine("corpus.txt"), "Ab ab ab, abc!\nca ca\n");
        var (code, _, error) = await Run("tokenizer", "train", tmp.Combine("corpus.txt"), "--vocab-size", "12", "-o", tmp.Combine("tok"));
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: vocabulary size 12 is smaller than", error);
        Assert.Contains("at least 13", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(tmp.Combine("tok")));
        Assert.Equal(["corpus.txt"], Directory.GetFileSystemEntries(tmp.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("blank")]
    [InlineData("binary")]
    [InlineData("missing")]
    public async Task Bad_corpus_is_one_line_exit_2_and_nothing_written(string kind)
    {
        using var tmp = TestPaths.NewTempFolder();
        var corpus = tmp.Combine("corpus.txt");
        if (kind == "blank") File.WriteAllText(corpus, "\n  \n\t\n");
        if (kind == "binary") File.WriteAllBytes(corpus, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x00, 0x0A, 0x00, 0xFF]);
        var (code, _, error) = await Run("tokenizer", "train", corpus, "-o", tmp.Combine("tok"));
        Assert.Equal(2, code);
        Assert.StartsWith("ppkm: error: ", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(tmp.Combine("tok")));
        Assert.Empty(Directory.GetDirectories(tmp.Path));
    }
}
