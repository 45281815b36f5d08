using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// What a training run does with its output folder: <c>Resume</c> without a resume point and an overwrite without
/// <c>Force</c> are refused before any work (in the library's words: its settings, not a command line's flags), and a run whose loss turns NaN stops with the last good checkpoint kept.
/// </summary>
public class TrainingOutputTests
{
    private static string Status(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "training.json")))!["status"]!.GetValue<string>();

    [Fact]
    public void Resume_without_a_resume_point_and_retraining_a_finished_run_are_refused()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 16, validation: 8, test: 0);
        // No warm-up: the run's one step then moves the weights, so a replacing run's weights differ.
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 1, WarmupRatio = 0 };

        // The library names its settings (Resume, Force), never a command line's flags; a command line words them (Word).
        var noPoint = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options with { Resume = true }, data));
        Assert.Equal($"{temp.Combine("out")}: Resume was given but there is no resume point (resume/resume.json) to continue from; run without Resume to start afresh.", noPoint.Message);
        Assert.Equal($"{temp.Combine("out")}: -R was given but there is no resume point (resume/resume.json) to continue from; run without -R to start afresh.",
            noPoint.Word(s => s == "Resume" ? "-R" : s));
        Assert.Equal(temp.Combine("out"), noPoint.FilePath);
        Assert.False(Directory.Exists(temp.Combine("out")));

        SequenceClassifierTrainer.Run(options, data);
        var weights = File.ReadAllBytes(temp.Combine("out", "model.safetensors"));
        var finished = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options, data));
        Assert.Equal($"{temp.Combine("out")}: holds a finished checkpoint (training.json says completed); choose another output or pass Force to replace it.", finished.Message);
        Assert.DoesNotContain("--", finished.Message);
        var resumeFinished = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options with { Resume = true }, data));
        Assert.Equal($"{temp.Combine("out")}: Resume was given but the run there finished (training.json says completed), so there is nothing to continue; run without Resume to start afresh (with Force to replace what is there).", resumeFinished.Message);
        Assert.Equal(weights, File.ReadAllBytes(temp.Combine("out", "model.safetensors")));

        // --force replaces it: a new run with another learning rate writes other weights and a new completed record.
        SequenceClassifierTrainer.Run(options with { Force = true, LearningRate = 5e-3 }, data);
        Assert.NotEqual(weights, File.ReadAllBytes(temp.Combine("out", "model.safetensors")));
        Assert.Equal("completed", Status(temp.Combine("out")));

        var intoItself = Assert.Throws<UserInputException>(() => SequenceClassifierTrainer.Run(options with { OutputPath = modelDir, Force = true }, data));
        Assert.Contains("is the model being trained", intoItself.Message);
    }

    [Fact]
    public void An_interrupted_run_is_continued_only_with_resume_or_replaced_only_with_force()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 16, validation: 8, test: 0);
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2 };
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data, new Progress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));

        var fresh = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options, data));
        Assert.Equal($"{temp.Combine("out")}: holds an interrupted run's resume point; pass Resume to continue it or Force to start afresh.", fresh.Message);
        Assert.True(File.Exists(temp.Combine("out", "resume", "resume.json")));
        var resumed = SequenceClassifierTrainer.Run(options with { Resume = true }, data);
        Assert.Equal(1, resumed.ResumedAfterEpoch);
    }

    [Fact]
    public void A_broken_training_json_in_the_output_folder_is_an_error_naming_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        var path = Path.Combine(output, "training.json");
        var options = TinyModels.FastOptions(temp.Combine("base"), output);

        File.WriteAllText(path, "{\"stage\": \"train\", \"status\": ");
        var notJson = Assert.Throws<UserInputException>(() => TrainingOutputCheck.Check(options));
        Assert.StartsWith($"{path}: not valid JSON", notJson.Message);
        Assert.DoesNotContain('\n', notJson.Message);

        File.WriteAllText(path, "{\"stage\": \"train\", \"status\": 3}");
        var mistyped = Assert.Throws<UserInputException>(() => TrainingOutputCheck.Check(options));
        Assert.Equal(path, mistyped.FilePath);
        Assert.Equal("status", mistyped.Field);
        Assert.DoesNotContain('\n', mistyped.Message);
        Assert.Throws<UserInputException>(() => TrainingOutputCheck.Check(options with { Resume = true }));

        // --force replaces what is there without reading it.
        TrainingOutputCheck.Check(options with { Force = true });
    }

    [Fact]
    public void A_loss_that_turns_NaN_stops_the_run_and_keeps_the_last_good_checkpoint()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 32, validation: 8, test: 0);
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2, WarmupRatio = 0 };

        // Epoch 1 with a sane learning rate, then an interruption: a good checkpoint and a resume point.
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data, new Progress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));
        var good = File.ReadAllBytes(temp.Combine("out", "model.safetensors"));

        // Epoch 2 with a learning rate of 1e30: the first update sends the weights past float32's range, the next loss is NaN.
        var diverged = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options with { Resume = true, LearningRate = 1e30 }, data));
        Assert.StartsWith("training diverged: the loss is NaN at epoch 2, step 2 (learning rate ", diverged.Message);
        Assert.Contains("the last good checkpoint (epoch 1) is kept", diverged.Message);
        Assert.EndsWith(". Lower LearningRate (or check the data) and train again.", diverged.Message);
        Assert.EndsWith("Lower --lr (or check the data) and train again.", diverged.Word(s => s == "LearningRate" ? "--lr" : s));
        Assert.Equal(good, File.ReadAllBytes(temp.Combine("out", "model.safetensors")));
        Assert.Equal("diverged", Status(temp.Combine("out")));
        // The record says the resumed epochs ran with another learning rate than epoch 1.
        var resume = JsonNode.Parse(File.ReadAllText(temp.Combine("out", "training.json")))!["resume"]!;
        Assert.Equal(1, resume["after_epoch"]!.GetValue<int>());
        var changed = Assert.Single(resume["changed"]!.AsObject());
        Assert.Equal("learning_rate", changed.Key);
        Assert.Equal(2e-3, changed.Value!["before"]!.GetValue<double>());
        Assert.Equal(1e30, changed.Value!["now"]!.GetValue<double>());

        // From scratch there is nothing to keep: the run leaves no folder, so nothing claims to be a checkpoint or a record.
        var fromScratch = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options with { OutputPath = temp.Combine("fresh"), LearningRate = 1e30 }, data));
        Assert.Contains("no checkpoint was written", fromScratch.Message);
        Assert.False(Directory.Exists(temp.Combine("fresh")));
    }

    [Fact]
    public void A_run_that_fails_after_its_first_epoch_keeps_that_checkpoint_and_says_failed()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 16, validation: 8, test: 0);
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2 };
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data, new Progress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));
        var epochOne = File.ReadAllBytes(temp.Combine("out", "model.safetensors"));

        // The resumed run loads, then fails at its first forward pass: config.json now names an activation there is no code for.
        var config = Path.Combine(modelDir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"gelu\"", "\"swish2\"", StringComparison.Ordinal));
        var failed = Assert.Throws<UserInputException>(() => SequenceClassifierTrainer.Run(options with { Resume = true }, data));
        Assert.Contains("unsupported activation 'swish2'", failed.Message);
        Assert.Equal(epochOne, File.ReadAllBytes(temp.Combine("out", "model.safetensors")));
        Assert.Equal("failed", Status(temp.Combine("out")));
        Assert.True(File.Exists(temp.Combine("out", "resume", "resume.json")));
    }

    [Fact]
    public void A_resume_point_whose_optimizer_state_is_cut_short_is_an_error_naming_it()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(layers: 1), temp.Combine("base"));
        var data = TinyModels.SeparableSplits(train: 16, validation: 8, test: 0);
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 2 };
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => SequenceClassifierTrainer.Run(options, data, new Progress(p => { if (p.CompletedEpoch is not null) cts.Cancel(); }), cts.Token));
        var optimizerFile = temp.Combine("out", "resume", "epoch-1.optimizer.bin");
        using (var file = File.OpenWrite(optimizerFile)) file.SetLength(1000);

        var damaged = Assert.Throws<SettingsAdviceException>(() => SequenceClassifierTrainer.Run(options with { Resume = true }, data));
        Assert.Equal($"{optimizerFile}: the resume point is damaged (Attempted to read past the end of the stream.); it cannot be continued, start afresh with Force instead of Resume.", damaged.Message);
        Assert.Equal(optimizerFile, damaged.FilePath);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
