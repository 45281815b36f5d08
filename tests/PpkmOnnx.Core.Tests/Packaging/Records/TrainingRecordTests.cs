using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging.Records;

/// <summary>training.json read through <see cref="ModelPackage.ReadTrainingRecord"/>: typed, strict, versioned.</summary>
public sealed class TrainingRecordTests
{
    // A distillation run's record as ppkm writes it (no schema_version: written before it existed), values typed by hand.
    private const string Distilled = """
        {
          "stage": "distill",
          "status": "completed",
          "model": "/m/student",
          "architecture": "Bert",
          "labels": ["negative", "positive"],
          "hyperparameters": {
            "learning_rate": 5e-05, "batch_size": 32, "eval_batch_size": 64, "epochs": 1, "max_length": 128,
            "warmup_ratio": 0.1, "weight_decay": 0.01, "max_grad_norm": 1, "class_weighting": "None", "seed": 42,
            "early_stopping_patience": null, "optimizer": "AdamW", "schedule": "linear", "automatic_choices": ["epochs: 1 (small data)"]
          },
          "data": { "source": "d.csv", "fingerprint": "sha256:ab", "train": 8, "validation": 4, "test": 4, "train_class_counts": [5, 3],
                    "pseudo_labels": { "path": "pred.csv", "min_confidence": 0.9, "read": 10, "below_confidence": 4, "in_evaluation_splits": 1,
                                       "excluded": 0, "in_train_or_repeated": 1, "over_limit": 1, "kept": 3, "kept_class_counts": [2, 1] } },
          "device": "cpu",
          "threads": 2,
          "trainable_parameters": 17397507,
          "newly_initialized": [],
          "epochs": [
            {
              "epoch": 1, "train_loss": 0.25, "validation_loss": 0.5,
              "validation": {
                "accuracy": 0.75, "weighted_precision": 0.8, "weighted_recall": 0.75, "weighted_f1": 0.7, "macro_precision": 0.6,
                "macro_recall": 0.65, "macro_f1": 0.625,
                "per_class": [ { "label": "negative", "precision": 1, "recall": 0.5, "f1": 0.6, "support": 2 },
                               { "label": "positive", "precision": 0.5, "recall": 1, "f1": 0.65, "support": 2 } ],
                "confusion_matrix": [[1, 1], [0, 2]],
                "count": 4
              },
              "learning_rate": 2.5e-07, "steps": 240, "seconds": 723.5, "is_best": true
            }
          ],
          "best_epoch": 1,
          "stopped_early": false,
          "test": null,
          "wall_seconds": 742.25,
          "teacher": "/m/teacher",
          "distillation": { "temperature": 2, "alpha": 0.5 },
          "tool": "ppkm",
          "tool_version": "0.1.0+abc"
        }
        """;

    [Fact]
    public void A_written_record_without_schema_version_reads_as_version_1_with_every_value()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, Distilled);
        var r = ModelPackage.ReadTrainingRecord(path);

        Assert.Equal(1, r.SchemaVersion);
        Assert.Equal(("distill", "completed", "/m/student", "Bert"), (r.Stage, r.Status, r.Model, r.Architecture));
        Assert.Equal(["negative", "positive"], r.Labels!);
        var h = r.Hyperparameters;
        Assert.Equal((5e-05, 32, 64, 1, 128, 42), (h.LearningRate, h.BatchSize, h.EvalBatchSize, h.Epochs, h.MaxLength, h.Seed));
        Assert.Equal((0.1, 0.01, 1.0, "None"), (h.WarmupRatio, h.WeightDecay, h.MaxGradNorm, h.ClassWeighting));
        Assert.Null(h.EarlyStoppingPatience);
        Assert.Null(h.Attention);
        Assert.Null(h.Precision);
        Assert.Null(h.Dropout);
        Assert.Equal(["epochs: 1 (small data)"], h.AutomaticChoices!);
        Assert.Equal(("d.csv", "sha256:ab", 8, 4, 4), (r.Data!.Source, r.Data.Fingerprint, r.Data.Train, r.Data.Validation, r.Data.Test));
        Assert.Equal([5, 3], r.Data.TrainClassCounts);
        var pseudo = r.Data.PseudoLabels!;
        Assert.Equal(("pred.csv", 0.9, 10, 4, 1, 0, 1, 1, 3), (pseudo.Path, pseudo.MinConfidence, pseudo.Read, pseudo.BelowConfidence,
            pseudo.InEvaluationSplits, pseudo.Excluded, pseudo.InTrainOrRepeated, pseudo.OverLimit, pseudo.Kept));
        Assert.Equal([2, 1], pseudo.KeptClassCounts);
        Assert.Equal(("cpu", 2, 17397507L), (r.Device, r.Threads, r.TrainableParameters));
        var e = Assert.Single(r.Epochs);
        Assert.Equal((1, 0.25, 0.5, 2.5e-07, 240, 723.5, true), (e.Epoch, e.TrainLoss, e.ValidationLoss, e.LearningRate, e.Steps, e.Seconds, e.IsBest));
        Assert.Equal((0.75, 0.625, 4), (e.Validation.Accuracy, e.Validation.MacroF1, e.Validation.Count));
        Assert.Equal(new ClassMetrics("positive", 0.5, 1, 0.65, 2), e.Validation.PerClass[1]);
        Assert.Equal([0, 2], e.Validation.ConfusionMatrix[1]);
        Assert.Equal((1, false, 742.25), (r.BestEpoch, r.StoppedEarly, r.WallSeconds));
        Assert.Null(r.Test);
        Assert.Null(r.Performance);
        Assert.Equal("/m/teacher", r.StageSections!["teacher"].GetString());
        Assert.Equal(0.5, r.StageSections["distillation"].GetProperty("alpha").GetDouble());
        Assert.Equal(("ppkm", "0.1.0+abc"), (r.Tool, r.ToolVersion));
    }

    [Fact]
    public void A_round_trip_keeps_every_field_adds_schema_version_first_and_puts_the_tool_last()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, Distilled);
        var copy = temp.Combine("copy.json");
        ArtifactJson.Write(copy, ModelPackage.ReadTrainingRecord(path), ArtifactRecordJsonContext.Default.TrainingRecord);

        var original = (JsonObject)JsonNode.Parse(Distilled)!;
        var written = (JsonObject)JsonNode.Parse(File.ReadAllText(copy))!;
        Assert.Equal("schema_version", written.First().Key);
        Assert.Equal(1, written["schema_version"]!.GetValue<int>());
        Assert.Equal(["tool", "tool_version"], written.Select(kv => kv.Key).TakeLast(2));
        // Hyperparameters the file lacked come back as null (attention, precision, dropout, freeze_embeddings); every other field is the file's, in the file's order.
        written.Remove("schema_version");
        foreach (var added in new[] { "attention", "precision", "dropout", "freeze_embeddings" })
        {
            Assert.Null(written["hyperparameters"]![added]);
            ((JsonObject)written["hyperparameters"]!).Remove(added);
        }
        written.Remove("performance");
        foreach (var tool in new[] { "tool", "tool_version" }) { written.Remove(tool); original.Remove(tool); }
        Assert.Equal(original.Select(kv => kv.Key), written.Select(kv => kv.Key));
        Assert.True(JsonNode.DeepEquals(original, written), written.ToJsonString());
    }

    [Theory]
    [InlineData("\"max_length\": 128", "\"max_length\": \"128\"", "hyperparameters.max_length", "must be an integer, got \"128\".")]
    [InlineData("\"macro_f1\": 0.625", "\"macro_f1\": \"n/a\"", "epochs[0].validation.macro_f1", "must be a number, got \"n/a\".")]
    [InlineData("\"is_best\": true", "\"is_best\": 1", "epochs[0].is_best", "must be true or false, got 1.")]
    [InlineData("\"labels\": [\"negative\", \"positive\"]", "\"labels\": \"negative\"", "labels", "must be an array, got \"negative\".")]
    [InlineData("\"status\": \"completed\",", "", "status", "is missing.")]
    [InlineData("\"stage\": \"distill\"", "\"stage\": null", "stage", "must not be null.")]
    public void A_mistyped_or_missing_field_is_one_error_naming_the_file_and_the_field(string field, string replacement, string name, string problem)
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        Assert.Contains(field, Distilled);
        File.WriteAllText(path, Distilled.Replace(field, replacement));
        var e = Assert.Throws<UserInputException>(() => ModelPackage.ReadTrainingRecord(path));
        Assert.Equal($"{path}: {name}: {problem}", e.Message);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(name, e.Field);
    }

    [Fact]
    public void A_newer_schema_version_is_refused_and_the_current_one_reads()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, Distilled.Replace("\"stage\"", "\"schema_version\": 2, \"stage\""));
        var e = Assert.Throws<UserInputException>(() => ModelPackage.ReadTrainingRecord(path));
        Assert.Equal($"{path}: schema_version: is 2, newer than this ppkm reads (up to 1); use the ppkm version that wrote it, or a newer one.", e.Message);
        File.WriteAllText(path, Distilled.Replace("\"stage\"", "\"schema_version\": 1, \"stage\""));
        Assert.Equal(1, ModelPackage.ReadTrainingRecord(path).SchemaVersion);
    }

    [Fact]
    public void Not_json_and_not_an_object_name_the_file()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("training.json");
        File.WriteAllText(path, "[1, 2]");
        Assert.Equal($"{path}: expected a JSON object at the top level.", Assert.Throws<UserInputException>(() => ModelPackage.ReadTrainingRecord(path)).Message);
        File.WriteAllText(path, "{\n\"a\": }");
        Assert.StartsWith($"{path}: not valid JSON (line 2:", Assert.Throws<UserInputException>(() => ModelPackage.ReadTrainingRecord(path)).Message);
        Assert.Equal($"{temp.Combine("none.json")}: not found.", Assert.Throws<UserInputException>(() => ModelPackage.ReadTrainingRecord(temp.Combine("none.json"))).Message);
    }
}
