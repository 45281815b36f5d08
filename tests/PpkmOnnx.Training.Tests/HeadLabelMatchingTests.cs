using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Tests;

/// <summary>A checkpoint's classification head is matched to the data's classes by name, never by position.</summary>
public class HeadLabelMatchingTests
{
    // A 3-class head over hidden size 2: row r is [10r, 10r + 1], bias r is 100 + r.
    private static Dictionary<string, TensorData> Head() => new()
    {
        ["classifier.weight"] = new TensorData([3, 2], [0, 1, 10, 11, 20, 21]),
        ["classifier.bias"] = new TensorData([3], [100, 101, 102]),
        ["bert.pooler.dense.bias"] = new TensorData([2], [7, 8]),
    };

    [Fact]
    public void The_same_classes_in_another_order_permute_the_rows_by_name()
    {
        var (tensors, outcome) = HeadLabelMatching.Fit(Head(), ["negative", "neutral", "positive"], ["positive", "negative", "neutral"], "ckpt");
        // Data row 0 is "positive" = checkpoint row 2; row 1 "negative" = row 0; row 2 "neutral" = row 1.
        Assert.Equal([20, 21, 0, 1, 10, 11], tensors["classifier.weight"].Data);
        Assert.Equal([102, 100, 101], tensors["classifier.bias"].Data);
        Assert.Equal([7, 8], tensors["bert.pooler.dense.bias"].Data);
        Assert.Equal("classification head reused with its rows reordered by class name: checkpoint [negative, neutral, positive] -> data [positive, negative, neutral]", outcome);
    }

    [Fact]
    public void Same_order_keeps_the_head_and_other_classes_start_a_fresh_one()
    {
        var same = HeadLabelMatching.Fit(Head(), ["a", "b", "c"], ["a", "b", "c"], "ckpt");
        Assert.Null(same.Outcome);
        Assert.Equal([0, 1, 10, 11, 20, 21], same.Tensors["classifier.weight"].Data);

        var other = HeadLabelMatching.Fit(Head(), ["negative", "neutral", "positive"], ["negative", "positive"], "ckpt");
        Assert.False(other.Tensors.ContainsKey("classifier.weight"));
        Assert.False(other.Tensors.ContainsKey("classifier.bias"));
        Assert.True(other.Tensors.ContainsKey("bert.pooler.dense.bias"));
        Assert.Equal("classification head started fresh: the checkpoint's classes [negative, neutral, positive] are not the data's [negative, positive]", other.Outcome);

        var renamed = HeadLabelMatching.Fit(Head(), ["neg", "neu", "pos"], ["negative", "neutral", "positive"], "ckpt");
        Assert.False(renamed.Tensors.ContainsKey("classifier.weight"));
    }

    [Fact]
    public void Unnamed_or_repeated_head_classes_are_refused_rather_than_guessed()
    {
        var generic = Assert.Throws<UserInputException>(() => HeadLabelMatching.Fit(Head(), ["LABEL_0", "LABEL_1", "LABEL_2"], ["negative", "neutral", "positive"], "ckpt"));
        Assert.StartsWith("ckpt: config.json's id2label [LABEL_0, LABEL_1, LABEL_2] does not name the head's classes", generic.Message);
        Assert.Throws<UserInputException>(() => HeadLabelMatching.Fit(Head(), ["negative", "negative", "positive"], ["negative", "neutral", "positive"], "ckpt"));
        // No head in the checkpoint: nothing to match.
        var baseModel = new Dictionary<string, TensorData> { ["bert.pooler.dense.bias"] = new TensorData([2], [7, 8]) };
        Assert.Null(HeadLabelMatching.Fit(baseModel, ["LABEL_0", "LABEL_1", "LABEL_2"], ["negative", "neutral", "positive"], "ckpt").Outcome);
    }

    [Fact]
    public void Training_on_the_classes_in_another_order_loads_the_rows_by_name_and_says_so()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var stored = SafeTensorsFile.Read(Path.Combine(modelDir, "model.safetensors"))["classifier.weight"];
        int hidden = (int)stored.Shape[1];
        using (var loaded = CheckpointLoader.Load(modelDir, new CheckpointLoadOptions { Labels = ["positive", "negative"] }))
        {
            var rows = loaded.Model.named_parameters().Single(p => p.name == "classifier.weight").parameter.data<float>().ToArray();
            Assert.Equal(stored.Data.Skip(hidden).Take(hidden), rows.Take(hidden));
            Assert.Equal(stored.Data.Take(hidden), rows.Skip(hidden));
            Assert.StartsWith("classification head reused with its rows reordered", loaded.HeadOutcome);
        }

        // The same through a run: data whose classes are named positive, negative (ids swapped) record it in training.json.
        var data = TinyModels.SeparableSplits(train: 16, validation: 8, test: 0);
        string[] swapped = ["positive", "negative"];
        DatasetSplit Swap(DatasetSplit s) => s with
        {
            Train = s.Train with { LabelNames = swapped, Rows = s.Train.Rows.Select(r => r with { Label = 1 - r.Label }).ToList() },
            Validation = s.Validation with { LabelNames = swapped, Rows = s.Validation.Rows.Select(r => r with { Label = 1 - r.Label }).ToList() },
            Test = s.Test with { LabelNames = swapped },
        };
        var result = SequenceClassifierTrainer.Run(TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 1 }, Swap(data));
        Assert.StartsWith("classification head reused with its rows reordered", result.HeadOutcome);
        var record = JsonNode.Parse(File.ReadAllText(temp.Combine("out", "training.json")))!;
        Assert.Equal(result.HeadOutcome, record["head"]!.GetValue<string>());
    }
}
