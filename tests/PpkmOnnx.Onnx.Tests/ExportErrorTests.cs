using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.Tests.Support;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests;

/// <summary>Bad checkpoints give one clear error and leave nothing behind.</summary>
public sealed class ExportErrorTests
{
    private static readonly string[] Labels = { "negative", "neutral", "positive" };

    private static (TempFolder Temp, string Checkpoint, string Output) Setup()
    {
        var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, Labels, seed: 9);
        return (temp, checkpoint, temp.Combine("package"));
    }

    private static void AssertNothingWritten(TempFolder temp, string output)
    {
        Assert.False(Directory.Exists(output), "a package folder was left behind");
        Assert.DoesNotContain(Directory.GetFileSystemEntries(temp.Path), p => Path.GetFileName(p).StartsWith("package", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_checkpoint_folder_is_named()
    {
        using var temp = TestPaths.NewTempFolder();
        var missing = temp.Combine("nope");
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = missing, OutputFolder = temp.Combine("package") }));
        Assert.Contains(missing, e.Message);
        AssertNothingWritten(temp, temp.Combine("package"));
    }

    [Fact]
    public void A_vocabulary_longer_than_the_embedding_table_is_refused()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        // The tiny checkpoint has 3 embedding rows beyond its vocabulary; 4 more tokens make the last id index past the table.
        var vocab = Path.Combine(checkpoint, "vocab.txt");
        File.AppendAllLines(vocab, ["extra1", "extra2", "extra3", "extra4"]);
        int tokens = TinyCheckpoint.Vocabulary().Count + 4, rows = TinyCheckpoint.Vocabulary().Count + 3;
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.StartsWith($"{vocab}: {tokens} tokens but the word-embedding table has {rows} rows", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Missing_weights_file_is_named()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        File.Delete(Path.Combine(checkpoint, "model.safetensors"));
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains("model.safetensors", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Truncated_weights_file_is_reported_as_corrupt()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        var path = Path.Combine(checkpoint, "model.safetensors");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains(path, e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Unknown_architecture_is_rejected()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        var configPath = Path.Combine(checkpoint, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["model_type"] = "roberta";
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains("roberta", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Tensor_shape_disagreeing_with_config_is_named()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        var configPath = Path.Combine(checkpoint, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["intermediate_size"] = 64;
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains("bert.encoder.layer.0.intermediate.dense.weight", e.Message);
        Assert.Contains("[48, 32]", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Labels_without_a_classifier_are_rejected()
    {
        using var temp = TestPaths.NewTempFolder();
        var checkpoint = temp.Combine("ckpt");
        TinyCheckpoint.Write(checkpoint, ModelArchitecture.Bert, labels: null, seed: 4);
        var configPath = Path.Combine(checkpoint, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["architectures"] = new JsonArray("BertForSequenceClassification");
        json["id2label"] = new JsonObject { ["0"] = "a", ["1"] = "b" };
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = temp.Combine("package") }));
        Assert.Contains("classifier.weight", e.Message);
        AssertNothingWritten(temp, temp.Combine("package"));
    }

    [Fact]
    public void Unsupported_activation_is_rejected()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        var configPath = Path.Combine(checkpoint, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        json["hidden_act"] = "swish";
        File.WriteAllText(configPath, json.ToJsonString());
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains("swish", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Missing_vocabulary_is_named()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        File.Delete(Path.Combine(checkpoint, "vocab.txt"));
        var e = Assert.Throws<UserInputException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Contains("vocab.txt", e.Message);
        AssertNothingWritten(temp, output);
    }

    [Fact]
    public void Existing_package_is_kept_unless_overwrite_is_asked_for()
    {
        var (temp, checkpoint, output) = Setup();
        using var _ = temp;
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "keep.txt"), "mine");
        // The library names the option (ExportOptions.Overwrite); ppkm export words it as its --force.
        var e = Assert.Throws<SettingsAdviceException>(() => OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output }));
        Assert.Equal($"{Path.GetFullPath(output)}: folder exists and is not empty; choose another output or pass {nameof(ExportOptions.Overwrite)} to replace it.", e.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "keep.txt")));

        OnnxExporter.Export(new ExportOptions { CheckpointFolder = checkpoint, OutputFolder = output, Overwrite = true });
        Assert.False(File.Exists(Path.Combine(output, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(output, "model.onnx")));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path), p => Path.GetFileName(p).StartsWith("package", StringComparison.Ordinal));
    }
}
