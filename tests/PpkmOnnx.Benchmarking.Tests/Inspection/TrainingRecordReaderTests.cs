using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Inspection;

public class TrainingRecordReaderTests
{
    [Fact]
    public void Reads_the_documented_fields_and_turns_missing_or_mistyped_ones_into_null()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, """
            {"hyperparameters": {"epochs": 3, "batchSize": 16}, "wall_seconds": 3600.5, "trainable_parameters": 124645632,
             "epochs": [{"epoch": 1, "train_loss": 0.81, "seconds": 1190, "validation_loss": 0.6, "validation": { "accuracy": 0.71, "macro_f1": 0.69}},
                        {"train_loss": "oops", "validation": null},
                        "not an object",
                        {"epoch": 3, "validation": {"macro_f1": 0.75}}],
             "test": {"accuracy": 0.8}, "somethingElse": true}
            """);
        var summary = TrainingRecordReader.Read(path);
        Assert.Equal(124645632, summary.TrainableParameters);
        Assert.Equal(3600.5, summary.TrainingSeconds);
        Assert.Equal(16, summary.Hyperparameters!["batchSize"]!.GetValue<int>());
        Assert.Equal(0.8, summary.Test!["accuracy"]!.GetValue<double>());
        Assert.Equal(3, summary.Epochs.Count);
        Assert.Equal(new EpochRecord(1, 0.81, 0.6, 0.71, 0.69, 1190), summary.Epochs[0]);
        Assert.Equal(new EpochRecord(2, null, null, null, null, null), summary.Epochs[1]); // numbered by position when unnumbered
        Assert.Equal(new EpochRecord(3, null, null, null, 0.75, null), summary.Epochs[2]);
        Assert.Equal(Path.GetFullPath(path), summary.SourcePath);
    }

    [Fact]
    public void An_empty_object_gives_an_empty_summary()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, "{}");
        var summary = TrainingRecordReader.Read(path);
        Assert.Null(summary.TrainableParameters);
        Assert.Null(summary.TrainingSeconds);
        Assert.Null(summary.Hyperparameters);
        Assert.Empty(summary.Epochs);
    }

    [Fact]
    public void Bad_files_name_the_file()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, "[1, 2]");
        Assert.Contains(path, Assert.Throws<UserInputException>(() => TrainingRecordReader.Read(path)).Message);
        File.WriteAllText(path, "{\n\"a\": }");
        var e = Assert.Throws<UserInputException>(() => TrainingRecordReader.Read(path));
        Assert.Contains("line 2", e.Message);
        Assert.Throws<UserInputException>(() => TrainingRecordReader.Read(temp.Combine("none.json")));
    }

    [Fact]
    public void Locate_prefers_the_explicit_path_then_the_package_then_the_checkpoint_export_json_names()
    {
        using var temp = TestPaths.NewTempFolder();
        var package = temp.Combine("package");
        var checkpoint = temp.Combine("ckpt");
        Directory.CreateDirectory(package);
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(checkpoint, "training.json"), "{}");
        var export = System.Text.Json.Nodes.JsonNode.Parse("""{"opset": 17, "source_checkpoint": "../ckpt"}""");

        Assert.Null(TrainingRecordReader.Locate(package, null, null));
        Assert.Equal(Path.Combine(Path.GetFullPath(checkpoint), "training.json"), TrainingRecordReader.Locate(package, export, null));
        File.WriteAllText(Path.Combine(package, "training.json"), "{}");
        Assert.Equal(Path.Combine(package, "training.json"), TrainingRecordReader.Locate(package, export, null));
        Assert.Equal(Path.Combine(checkpoint, "training.json"), TrainingRecordReader.Locate(package, export, checkpoint));
        Assert.Throws<UserInputException>(() => TrainingRecordReader.Locate(package, export, temp.Combine("missing")));
    }
}
