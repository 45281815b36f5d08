using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Training.Adaptation;

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
    }

    /// <summary>
    /// <see cref="Check(TrainingRunOptions)"/>, then removes the files of the run that <see cref="TrainingRunOptions.Force"/> replaces, so that an interrupted new run
    /// never pairs the old weights with its own training.json.
    /// </summary>
    /// <exception cref="UserInputException">As <see cref="Check(TrainingRunOptions)"/>.</exception>
    public static void Prepare(TrainingRunOptions options)
    {
        Check(options);
        if (options.Force && !options.Resume) RemoveRun(options.OutputPath, TrainingLoop.TrainingJsonFile, TrainingLoop.LogFile);
    }

    /// <summary><see cref="Check(AdaptationRunOptions)"/>, then removes the files of the run that Force replaces, as for training.</summary>
    /// <exception cref="UserInputException">As <see cref="Check(AdaptationRunOptions)"/>.</exception>
    public static void Prepare(AdaptationRunOptions options)
    {
        Check(options);
        if (options.Force && !options.Resume) RemoveRun(options.OutputPath, AdaptRecord.FileName, DomainAdapter.LogFile);
    }

    // The weights, the run's record and log, and its resume folder; the rest of a checkpoint folder (config, vocabulary) is rewritten by the run.
    private static void RemoveRun(string outputPath, string record, string log)
    {
        var output = Path.GetFullPath(outputPath);
        foreach (var file in new[] { "model.safetensors", record, log })
        {
            var path = Path.Combine(output, file);
            if (File.Exists(path)) File.Delete(path);
        }
        var resume = Path.Combine(output, TrainingLoop.ResumeFolder);
        if (Directory.Exists(resume)) Directory.Delete(resume, recursive: true);
    }

    // training.json's status ("running", "diverged", "completed"), or null when there is none. Read strictly: a broken
    // training.json may be a finished run's, so it is an error naming the file rather than "nothing to protect".
    private static string? RecordedStatus(string trainingJson) =>
        File.Exists(trainingJson) ? ModelPackage.ReadTrainingRecord(trainingJson).Status : null;
}
