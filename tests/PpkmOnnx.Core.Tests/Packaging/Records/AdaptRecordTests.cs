using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Packaging.Records;

/// <summary>adapt.json read through <see cref="ModelPackage.ReadAdaptRecord"/>: typed, strict, versioned.</summary>
public sealed class AdaptRecordTests
{
    // An adaptation onto a new vocabulary with a labelled split, as ppkm adapt wrote it before schema_version and the tool
    // fields existed; values typed by hand.
    private const string Adapted = """
        {
          "stage": "adapt",
          "status": "completed",
          "model": "/m/minilm",
          "architecture": "Bert",
          "vocabulary": {
            "source": "/v/vocab.txt", "source_size": 30522, "size": 32000,
            "transfer": { "method": "Fast Vocabulary Transfer", "copied": 21000, "special_role": 5, "mean_of_pieces": 10990,
                          "unknown": 5, "mean_pieces_per_averaged_token": 2.345 },
            "lower_case": true
          },
          "corpus": {
            "fingerprint": "ab12",
            "sources": [ { "source": "tweets.txt", "rows": 980 }, { "source": "d.csv (train split)", "rows": 20 } ],
            "train": 960, "held_out": 20, "held_out_scored": 20, "duplicates": 15, "excluded": 5, "mean_tokens_per_text": 31.5,
            "details": {
              "labelled_split": { "data": "/d/d.csv", "fingerprint": "sha256:cd", "train": 20, "excluded_validation": 3, "excluded_test": 2 },
              "excluded_texts_from": null, "excluded_texts": 5, "matching": "TextMatchKey"
            }
          },
          "hyperparameters": {
            "learning_rate": 0.0001, "batch_size": 32, "max_length": 128, "epochs": 1, "max_steps": null, "warmup_ratio": 0.06,
            "weight_decay": 0.01, "max_grad_norm": 1, "seed": 42, "mask_probability": 0.15, "mask_share": 0.8,
            "whole_word_masking": false, "optimizer": "AdamW", "schedule": "linear"
          },
          "head": { "fresh": ["cls.predictions.bias"], "decoder": "tied to the word embeddings" },
          "device": "cpu",
          "threads": 4,
          "cpu": "GenuineIntel AVX2",
          "steps": 30,
          "resumed_at_step": 0,
          "training_seconds": 12.5,
          "steps_per_second": 2.4,
          "curve": [
            { "step": 0, "epoch": 1, "train_loss": null, "held_out_loss": 9.5, "learning_rate": 0, "seconds": 0 },
            { "step": 30, "epoch": 1, "train_loss": 7.25, "held_out_loss": 6.5, "learning_rate": 1e-06, "seconds": 12.5 }
          ]
        }
        """;

    [Fact]
    public void A_hand_written_record_without_schema_version_reads_as_version_1_with_every_value()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("adapt.json");
        File.WriteAllText(path, Adapted);

        var r = ModelPackage.ReadAdaptRecord(path);

        Assert.Equal(ArtifactRecord.UnversionedSchemaVersion, r.SchemaVersion);
        Assert.Null(r.Tool);
        Assert.Equal(("adapt", "completed", "/m/minilm", "Bert"), (r.Stage, r.Status, r.Model, r.Architecture));
        Assert.Equal(("/v/vocab.txt", 30522, 32000, true), (r.Vocabulary.Source, r.Vocabulary.SourceSize, r.Vocabulary.Size, r.Vocabulary.LowerCase));
        var transfer = r.Vocabulary.Transfer!;
        Assert.Equal((21000, 5, 10990, 5, 2.345), (transfer.Copied, transfer.SpecialRole, transfer.MeanOfPieces, transfer.Unknown, transfer.MeanPiecesPerAveragedToken));
        Assert.Equal([new AdaptCorpusSourceRecord("tweets.txt", 980), new AdaptCorpusSourceRecord("d.csv (train split)", 20)], r.Corpus.Sources);
        Assert.Equal((960, 20, 20, 15, 5, 31.5), (r.Corpus.Train, r.Corpus.HeldOut, r.Corpus.HeldOutScored, r.Corpus.Duplicates, r.Corpus.Excluded, r.Corpus.MeanTokensPerText));
        Assert.Equal(new AdaptLabelledSplitRecord { Data = "/d/d.csv", Fingerprint = "sha256:cd", Train = 20, ExcludedValidation = 3, ExcludedTest = 2 },
            r.Corpus.Details!.LabelledSplit);
        Assert.Null(r.Corpus.Details.ExcludedTextsFrom);
        Assert.Equal(5, r.Corpus.Details.ExcludedTexts);
        Assert.Equal((1e-4, 32, 128, 1, null, 42, 0.15, false), (r.Hyperparameters.LearningRate, r.Hyperparameters.BatchSize, r.Hyperparameters.MaxLength,
            r.Hyperparameters.Epochs, r.Hyperparameters.MaxSteps, r.Hyperparameters.Seed, r.Hyperparameters.MaskProbability, r.Hyperparameters.WholeWordMasking));
        Assert.Equal(["cls.predictions.bias"], r.Head!.Fresh);
        Assert.Equal((30L, 0L, 12.5, 2.4), (r.Steps, r.ResumedAtStep, r.TrainingSeconds, r.StepsPerSecond));
        Assert.Equal([new AdaptCurvePointRecord(0, 1, null, 9.5, 0, 0), new AdaptCurvePointRecord(30, 1, 7.25, 6.5, 1e-6, 12.5)], r.Curve);
    }

    [Fact]
    public void A_record_written_and_read_back_is_equal_and_stamped()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("adapt.json");
        File.WriteAllText(path, Adapted);
        var original = ModelPackage.ReadAdaptRecord(path);

        ArtifactJson.Write(path, original, ArtifactRecordJsonContext.Default.AdaptRecord);
        var written = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(ArtifactRecord.CurrentSchemaVersion, written["schema_version"]!.GetValue<int>());
        Assert.Equal("ppkm", written["tool"]!.GetValue<string>());
        // Every field of the hand-written file is written back under its own name and value; the compute choices and the
        // performance section it lacks (files from before they existed) come back as null.
        foreach (var field in new[] { "schema_version", "tool", "tool_version" }) written.Remove(field);
        Assert.True(written.ContainsKey("performance"));
        Assert.Null(written["performance"]);
        written.Remove("performance");
        foreach (var added in new[] { "attention", "precision", "dropout" })
        {
            Assert.Null(written["hyperparameters"]![added]);
            written["hyperparameters"]!.AsObject().Remove(added);
        }
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Adapted), written), written.ToJsonString());

        var read = ModelPackage.ReadAdaptRecord(path);
        Assert.Equal(original.Curve, read.Curve);
        Assert.Equal(original.Corpus.Details, read.Corpus.Details);
        Assert.Equal(original.Hyperparameters, read.Hyperparameters);
    }

    [Theory]
    [InlineData("\"steps\": 30", "\"steps\": \"30\"", "steps", "must be an integer, got \"30\".")]
    [InlineData("\"held_out_loss\": 6.5", "\"held_out_loss\": \"low\"", "curve[1].held_out_loss", "must be a number, got \"low\".")]
    [InlineData("\"excluded_test\": 2", "\"excluded_test\": true", "corpus.details.labelled_split.excluded_test", "must be an integer, got true.")]
    [InlineData("\"whole_word_masking\": false", "\"whole_word_masking\": \"no\"", "hyperparameters.whole_word_masking", "must be true or false, got \"no\".")]
    [InlineData("\"size\": 32000,", "", "vocabulary.size", "is missing.")]
    [InlineData("\"model\": \"/m/minilm\"", "\"model\": null", "model", "must not be null.")]
    public void A_mistyped_or_missing_field_is_one_error_naming_the_file_and_the_field(string field, string replacement, string name, string problem)
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("adapt.json");
        Assert.Contains(field, Adapted);
        File.WriteAllText(path, Adapted.Replace(field, replacement));
        var e = Assert.Throws<UserInputException>(() => ModelPackage.ReadAdaptRecord(path));
        Assert.Equal($"{path}: {name}: {problem}", e.Message);
        Assert.Equal((path, name), (e.FilePath, e.Field));
    }
}
