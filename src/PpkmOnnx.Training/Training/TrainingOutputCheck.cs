using System.Text.Json;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Training.Adaptation;
using PpkmOnnx.Training.Checkpoints;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// What a training run (<c>train</c>, <c>distill</c>, <c>adapt</c>) may do with its output folder, decided before any work: <see cref="TrainingRunOptions.Resume"/>
/// needs a resume point (a silent fresh start would throw away the hours the user meant to keep), and a folder holding a
/// finished checkpoint or an interrupted run's resume point is replaced only with <see cref="TrainingRunOptions.Force"/>,
/// as <c>ppkm export</c> does. Refusals are <see cref="SettingsAdviceException"/>s naming those settings (a command line
/// words them with its flags).
/// </summary>
public static class TrainingOutputCheck
{
    private const string ResumeSetting = nameof(TrainingRunOptions.Resume);
    private const string ForceSetting = nameof(TrainingRunOptions.Force);

    /// <summary>The resume point's file under the output folder, relative.</summary>
    public static readonly string ResumePointFile = Path.Combine(TrainingLoop.ResumeFolder, "resume.json");

    /// <summary>The resume point's file under an adaptation's output folder, relative.</summary>
    public static readonly string AdaptationResumePointFile = Path.Combine(TrainingLoop.ResumeFolder, "state.json");

    // What marks a run's folder: the verb of the message, the resume point, and what a finished run leaves (training.json
    // saying completed; adapt.json, written only at the end). Finished returns the evidence to name, or null.
    private sealed record RunKind(string Verb, string ResumePoint, Func<string, bool> HasRecord, Func<string, string?> Finished);

    private static readonly RunKind TrainingRun = new("trained", ResumePointFile,
        output => File.Exists(Path.Combine(output, TrainingLoop.TrainingJsonFile)),
        output => RecordedStatus(Path.Combine(output, TrainingLoop.TrainingJsonFile)) == "completed" ? "training.json says completed" : null);

    private static readonly RunKind AdaptationRun = new("adapted", AdaptationResumePointFile,
        output => File.Exists(Path.Combine(output, AdaptRecord.FileName)) || File.Exists(Path.Combine(output, DomainAdapter.LogFile)),
        output => File.Exists(Path.Combine(output, AdaptRecord.FileName)) ? $"{AdaptRecord.FileName} is there" : null);

    /// <summary>Refuses the run when <paramref name="options"/> and the output folder's contents disagree.</summary>
    /// <exception cref="SettingsAdviceException">Resume without a resume point; a finished or interrupted run there without Resume or Force.</exception>
    /// <exception cref="UserInputException">The output is the model or a file; a training.json there that is not a training record.</exception>
    public static void Check(TrainingRunOptions options) => Check(TrainingRun, options.ModelPath, options.OutputPath, options.Resume, options.Force);

    /// <summary>
    /// The same rules for <c>ppkm adapt</c>'s folder, whose resume point is resume/state.json and whose adapt.json marks a
    /// finished run.
    /// </summary>
    /// <exception cref="SettingsAdviceException">Resume without a resume point; a finished or interrupted run there without Resume or Force.</exception>
    /// <exception cref="UserInputException">The output is the model or a file.</exception>
    public static void Check(AdaptationRunOptions options) => Check(AdaptationRun, options.ModelPath, options.OutputPath, options.Resume, options.Force);

    private static void Check(RunKind kind, string modelPath, string outputPath, bool resume, bool force)
    {
        var output = Path.GetFullPath(outputPath).TrimEnd('/', '\\');
        if (string.Equals(output, Path.GetFullPath(modelPath).TrimEnd('/', '\\'), StringComparison.Ordinal))
            throw new UserInputException(outputPath, null, $"is the model being {kind.Verb}; name another folder for the result.");
        if (File.Exists(output)) throw new UserInputException(outputPath, null, "exists and is a file; name a folder for the checkpoint.");
        bool hasResumePoint = File.Exists(Path.Combine(output, kind.ResumePoint));
        if (resume)
        {
            if (hasResumePoint) return;
            var finished = kind.Finished(output);
            var why = finished is not null
                ? $"the run there finished ({finished}), so there is nothing to continue"
                : $"there is no resume point ({kind.ResumePoint}) to continue from";
            bool hasRecord = kind.HasRecord(output);
            throw new SettingsAdviceException(name =>
                $"{outputPath}: {name(ResumeSetting)} was given but {why}; run without {name(ResumeSetting)} to start afresh{(hasRecord ? $" (with {name(ForceSetting)} to replace what is there)" : "")}.", outputPath);
        }
        if (force) return; // replaces what is there, a broken training.json included
        if (kind.Finished(output) is { } evidence)
            throw new SettingsAdviceException(name =>
                $"{outputPath}: holds a finished checkpoint ({evidence}); choose another output or pass {name(ForceSetting)} to replace it.", outputPath);
        if (hasResumePoint)
            throw new SettingsAdviceException(name =>
                $"{outputPath}: holds an interrupted run's resume point; pass {name(ResumeSetting)} to continue it or {name(ForceSetting)} to start afresh.", outputPath);
        // A checkpoint no run of ours recorded (an imported or Hugging Face model, a copy) is replaced only with Force too.
        if (File.Exists(Path.Combine(output, ModelCheckpoint.WeightsFile)))
            throw new SettingsAdviceException(name =>
                $"{outputPath}: holds a model ({ModelCheckpoint.WeightsFile}); choose another output or pass {name(ForceSetting)} to replace it.", outputPath);
    }

    /// <summary>
    /// <see cref="Check(TrainingRunOptions)"/>, then claims the output folder for the run: the files of a run that
    /// <see cref="TrainingRunOptions.Force"/> replaces are moved aside, not deleted, until the new run has a checkpoint of
    /// its own (<see cref="RunOutputClaim"/>), so a failed or interrupted new run never costs the old one.
    /// </summary>
    /// <exception cref="UserInputException">As <see cref="Check(TrainingRunOptions)"/>; the folder cannot be written.</exception>
    internal static RunOutputClaim Claim(TrainingRunOptions options)
    {
        Check(options);
        return RunOutputClaim.Begin(Path.GetFullPath(options.OutputPath), TrainingRunEntries, options.Resume);
    }

    /// <summary><see cref="Check(AdaptationRunOptions)"/>, then claims the output folder as for training.</summary>
    /// <exception cref="UserInputException">As <see cref="Check(AdaptationRunOptions)"/>; the folder cannot be written.</exception>
    internal static RunOutputClaim Claim(AdaptationRunOptions options)
    {
        Check(options);
        return RunOutputClaim.Begin(Path.GetFullPath(options.OutputPath), AdaptationRunEntries, options.Resume);
    }

    /// <summary>
    /// Reads one file of a resume point with <paramref name="read"/>; a file that is not what the run wrote (cut short, edited,
    /// of another version) is one error naming it, since nothing can continue from it: the run has to start afresh.
    /// </summary>
    /// <exception cref="SettingsAdviceException">The file is damaged: not valid JSON, shorter than its content, or of another layout.</exception>
    internal static T ReadResumeFile<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is JsonException or EndOfStreamException or InvalidDataException)
        {
            throw new SettingsAdviceException(name =>
                $"{file}: the resume point is damaged ({e.Message}); it cannot be continued, start afresh with {name(ForceSetting)} instead of {name(ResumeSetting)}.", file, e);
        }
    }

    // What each kind of run writes into its folder (a checkpoint, its record and log, the resume folder): what Force sets
    // aside and what a run that ends without a checkpoint removes. Anything else in the folder is the user's and stays.
    private static readonly string[] TrainingRunEntries =
        [ModelCheckpoint.WeightsFile, "config.json", .. ModelCheckpoint.TokenizerFiles, TrainingLoop.TrainingJsonFile, TrainingLoop.LogFile, TrainingLoop.ResumeFolder];

    private static readonly string[] AdaptationRunEntries =
        [ModelCheckpoint.WeightsFile, "config.json", "vocab.txt", "tokenizer_config.json", "tokenizer.json", AdaptRecord.FileName, DomainAdapter.LogFile, TrainingLoop.ResumeFolder];

    // training.json's status ("running", "diverged", "completed"), or null when there is none. Read strictly: a broken
    // training.json may be a finished run's, so it is an error naming the file rather than "nothing to protect".
    private static string? RecordedStatus(string trainingJson) =>
        File.Exists(trainingJson) ? ModelPackage.ReadTrainingRecord(trainingJson).Status : null;
}
