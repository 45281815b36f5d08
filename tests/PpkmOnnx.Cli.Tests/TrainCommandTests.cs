using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Cli.Tests;

/// <summary><c>ppkm train</c>'s automatic and explicit learning rate and epochs, on bad values.</summary>
public sealed class TrainCommandTests
{
    [Theory]
    [InlineData("--lr", "fast", "--lr must be auto or a number in (0, 1), got 'fast'.")]
    [InlineData("--lr", "Infinity", "--lr must be auto or a number in (0, 1), got 'Infinity'.")]
    [InlineData("--lr", "2", "--lr must be auto or a number in (0, 1), got '2'.")]
    [InlineData("--epochs", "0", "--epochs must be auto or a whole number in 1..1000, got '0'.")]
    [InlineData("--epochs", "many", "--epochs must be auto or a whole number in 1..1000, got 'many'.")]
    public async Task Bad_learning_rates_and_epochs_are_one_line_errors(string option, string value, string message)
    {
        using var temp = TestPaths.NewTempFolder();
        var data = temp.Combine("demo.csv");
        DemoDataset.Write(data);
        Directory.CreateDirectory(temp.Combine("model"));
        // The other setting explicit, so no config.json is needed to resolve it.
        string[] other = option == "--lr" ? ["--epochs", "2"] : ["--lr", "1e-4"];
        var (code, _, error) = await CliInvocation.RunAsync(["train", temp.Combine("model"), "--data", data, "-o", temp.Combine("out"), option, value, .. other]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {message}{Environment.NewLine}", error);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task Resume_without_a_resume_point_and_a_finished_output_are_refused_before_any_work()
    {
        using var temp = TestPaths.NewTempFolder();
        var data = temp.Combine("demo.csv");
        DemoDataset.Write(data);
        Directory.CreateDirectory(temp.Combine("model"));
        string[] run = ["train", temp.Combine("model"), "--data", data, "-o", temp.Combine("out"), "--epochs", "1", "--lr", "1e-4"];
        var (code, output, error) = await CliInvocation.RunAsync([.. run, "--resume"]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {temp.Combine("out")}: --resume was given but there is no resume point (resume/resume.json) to continue from; run without --resume to start afresh.{Environment.NewLine}", error);
        Assert.Equal("", output);

        // A finished run's record (its required fields only): refused without --force, before the data is even read.
        Directory.CreateDirectory(temp.Combine("out"));
        File.WriteAllText(temp.Combine("out", "training.json"), """
            {"stage": "train", "status": "completed", "epochs": [],
             "hyperparameters": {"learning_rate": 0.0001, "batch_size": 16, "epochs": 1, "max_length": 128, "seed": 42}}
            """);
        (code, _, error) = await CliInvocation.RunAsync(run);
        Assert.Equal(2, code);
        Assert.Contains("holds a finished checkpoint (training.json says completed); choose another output or pass --force to replace it.", error);
    }

    [Theory]
    [InlineData("train", "model.safetensors", "model.safetensors: model.safetensors not found")]
    [InlineData("distill", "model.safetensors", "model.safetensors: model.safetensors not found")]
    [InlineData("adapt", "model.safetensors", "model.safetensors: model.safetensors not found")]
    [InlineData("train", "vocab.txt", ": no tokenizer found")]
    [InlineData("adapt", "config.json", "config.json")]
    public async Task A_model_folder_missing_a_file_is_refused_before_the_data_is_read(string command, string missing, string named)
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.csv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo);
        File.Delete(Path.Combine(model, missing));
        // The data file does not exist: had the data been read first, its error would be the one printed.
        var (code, output, error) = await CliInvocation.RunAsync([command, model, "--data", temp.Combine("absent.csv"), "-o", temp.Combine("out"), "--epochs", "1"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"ppkm: error: {model}{(named.StartsWith(':') ? "" : "/")}{named}", error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal("", output); // no data summary, no settings table
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("distill")]
    [InlineData("adapt")]
    [InlineData("prune")]
    public async Task A_max_length_beyond_the_models_positions_is_refused_before_the_data_is_read(string command)
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.csv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo); // max_position_embeddings 64
        var (code, output, error) = await CliInvocation.RunAsync([command, model, "--data", temp.Combine("absent.csv"), "-o", temp.Combine("out"), "--max-length", "65"]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {Path.Combine(model, "config.json")}: max length 65 exceeds the model's max_position_embeddings 64; texts can be at most 64 tokens long.{Environment.NewLine}", error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("distill")]
    [InlineData("adapt")]
    public async Task A_vocabulary_larger_than_the_embedding_table_is_refused_before_the_data_is_read(string command)
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.csv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo);
        var vocab = Path.Combine(model, "vocab.txt");
        int rows = File.ReadAllLines(vocab).Length; // the table has one row per token TinyBert wrote
        File.AppendAllText(vocab, "zzextra1\nzzextra2\n");
        var (code, _, error) = await CliInvocation.RunAsync([command, model, "--data", temp.Combine("absent.csv"), "-o", temp.Combine("out")]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {vocab}: {rows + 2} tokens but the word-embedding table has {rows} rows (config.json's vocab_size); ids from {rows} on would index past it. "
            + $"Use the vocabulary the model was trained with.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task Distilling_from_a_DistilBERT_teacher_is_refused_before_the_data_is_read()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.csv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo);
        int vocabSize = File.ReadAllLines(Path.Combine(model, "vocab.txt")).Length;
        File.WriteAllText(Path.Combine(model, "config.json"), $$$"""
            {"model_type": "distilbert", "vocab_size": {{{vocabSize}}}, "dim": 32, "n_layers": 2, "n_heads": 4, "hidden_dim": 64,
             "max_position_embeddings": 64, "activation": "gelu", "id2label": {"0": "negative", "1": "neutral", "2": "positive"}}
            """);
        var (code, _, error) = await CliInvocation.RunAsync(["distill", model, "--data", temp.Combine("absent.csv"), "-o", temp.Combine("out")]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {Path.Combine(model, "config.json")}: the teacher is a DistilBert model; distill builds a DistilBERT student from a BERT teacher's layers, "
            + $"so give a fine-tuned BERT checkpoint.{Environment.NewLine}", error);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public async Task The_default_max_length_is_capped_at_the_models_positions_so_long_texts_train()
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo); // max_position_embeddings 64, below the default 128
        // Every tweet five times over: well past 64 tokens, so the run would index past the position table at 128.
        var lines = File.ReadAllLines(demo);
        var longTexts = temp.Combine("long.tsv");
        File.WriteAllLines(longTexts, lines.Take(1).Concat(lines.Skip(1).Take(120).Select(l =>
        {
            var cells = l.Split('\t');
            cells[2] = string.Join(' ', Enumerable.Repeat(cells[2], 5));
            return string.Join('\t', cells);
        })));
        var output = temp.Combine("out");
        var (code, _, error) = await CliInvocation.RunAsync(["train", model, "--data", longTexts, "-o", output, "--epochs", "1", "--lr", "1e-3", "--device", "cpu"]);
        Assert.True(code == 0, error);
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(output, "training.json")))!;
        Assert.Equal(64, record["hyperparameters"]!["max_length"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("train")]
    [InlineData("adapt")]
    public async Task A_folder_holding_a_model_no_run_recorded_is_replaced_only_with_force(string command)
    {
        using var temp = TestPaths.NewTempFolder();
        var demo = temp.Combine("demo.tsv");
        DemoDataset.Write(demo);
        var model = TinyBert.Write(temp.Combine("model"), demo);
        // A copy of a model (as an import or a Hugging Face download leaves it): weights and config, no training.json.
        var output = temp.Combine("copy");
        Directory.CreateDirectory(output);
        foreach (var f in Directory.GetFiles(model)) File.Copy(f, Path.Combine(output, Path.GetFileName(f)));
        var weights = File.ReadAllBytes(Path.Combine(output, "model.safetensors"));
        string[] data = command == "adapt" ? ["--corpus", demo, "--max-steps", "1"] : ["--data", demo, "--epochs", "1"];

        var (code, _, error) = await CliInvocation.RunAsync([command, model, .. data, "-o", output]);
        Assert.Equal(2, code);
        Assert.Equal($"ppkm: error: {output}: holds a model (model.safetensors); choose another output or pass --force to replace it.{Environment.NewLine}", error);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(output, "model.safetensors")));
    }
}
