using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Inspection;

public class TrainingRecordReaderTests
{
    // A completed two-epoch record as ppkm train writes it (short metric lists); every expected value below is typed from it.
    private const string Record = """
        {"stage": "train", "status": "completed", "wall_seconds": 3600.5, "trainable_parameters": 124645632,
         "hyperparameters": {"learning_rate": 2e-5, "batch_size": 16, "epochs": 2, "max_length": 128, "seed": 42, "early_stopping_patience": null},
         "epochs": [{"epoch": 1, "train_loss": 0.81, "validation_loss": 0.6, "learning_rate": 1e-5, "steps": 10, "seconds": 1190, "is_best": true,
                     "validation": {"accuracy": 0.71, "weighted_precision": 0.7, "weighted_recall": 0.71, "weighted_f1": 0.7, "macro_precision": 0.68,
                                    "macro_recall": 0.69, "macro_f1": 0.69, "per_class": [], "confusion_matrix": [[3, 1], [1, 2]], "count": 7}},
                    {"epoch": 2, "train_loss": 0.5, "validation_loss": 0.65, "learning_rate": 0, "steps": 10, "seconds": 1180.25, "is_best": false,
                     "validation": {"accuracy": 0.7, "weighted_precision": 0.7, "weighted_recall": 0.7, "weighted_f1": 0.7, "macro_precision": 0.66,
                                    "macro_recall": 0.67, "macro_f1": 0.665, "per_class": [], "confusion_matrix": [[3, 1], [1, 2]], "count": 7}}],
         "test": {"accuracy": 0.8, "weighted_precision": 0.8, "weighted_recall": 0.8, "weighted_f1": 0.8, "macro_precision": 0.8,
                  "macro_recall": 0.8, "macro_f1": 0.75, "per_class": [], "confusion_matrix": [], "count": 10},
         "distillation": {"temperature": 2}}
        """;

    [Fact]
    public void Reads_the_fields_bench_keeps()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, Record);
        var summary = TrainingRecordReader.Read(path);
        Assert.Equal(124645632, summary.TrainableParameters);
        Assert.Equal(3600.5, summary.TrainingSeconds);
        Assert.Equal(16, summary.Hyperparameters!["batch_size"]!.GetValue<int>());
        Assert.Equal(128, summary.Hyperparameters["max_length"]!.GetValue<int>());
        Assert.Equal(0.8, summary.Test!["accuracy"]!.GetValue<double>());
        Assert.Equal(0.75, summary.Test["macro_f1"]!.GetValue<double>());
        Assert.Equal([new EpochSummary(1, 0.81, 0.6, 0.71, 0.69, 1190), new EpochSummary(2, 0.5, 0.65, 0.7, 0.665, 1180.25)], summary.Epochs);
        Assert.Equal(Path.GetFullPath(path), summary.SourcePath);
    }

    [Fact]
    public void A_mistyped_field_is_an_error_naming_the_file_and_the_field_not_a_null()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, Record.Replace("\"train_loss\": 0.5", "\"train_loss\": \"oops\""));
        var e = Assert.Throws<UserInputException>(() => TrainingRecordReader.Read(path));
        Assert.Equal($"{path}: epochs[1].train_loss: must be a number, got \"oops\".", e.Message);
    }

    [Fact]
    public void An_empty_object_names_the_first_missing_required_field()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, "{}");
        var e = Assert.Throws<UserInputException>(() => TrainingRecordReader.Read(path));
        Assert.Equal((path, "stage"), (e.FilePath, e.Field));
        Assert.Equal($"{path}: stage: is missing.", e.Message);
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
    public void A_source_checkpoint_that_is_not_a_string_is_named()
    {
        var export = System.Text.Json.Nodes.JsonNode.Parse("""{"source_checkpoint": 7}""");
        var e = Assert.Throws<UserInputException>(() => TrainingRecordReader.SourceCheckpoint("/pkg", export));
        Assert.Equal("/pkg/export.json: source_checkpoint: must be a string, got 7.", e.Message);
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
