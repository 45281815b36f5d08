using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// What a training run may do with its output folder, decided before any work: <see cref="TrainingRunOptions.Resume"/>
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

    /// <summary>Refuses the run when <paramref name="options"/> and the output folder's contents disagree.</summary>
    /// <exception cref="SettingsAdviceException">Resume without a resume point; a finished or interrupted run there without Resume or Force.</exception>
    /// <exception cref="UserInputException">The output is the model or a file; a training.json there that is not a training record.</exception>
    public static void Check(TrainingRunOptions options)
    {
        var output = Path.GetFullPath(options.OutputPath).TrimEnd('/', '\\');
        if (string.Equals(output, Path.GetFullPath(options.ModelPath).TrimEnd('/', '\\'), StringComparison.Ordinal))
            throw new UserInputException(options.OutputPath, null, "is the model being trained; name another folder for the result.");
        if (File.Exists(output)) throw new UserInputException(options.OutputPath, null, "exists and is a file; name a folder for the checkpoint.");
        bool hasResumePoint = File.Exists(Path.Combine(output, ResumePointFile));
        var trainingJson = Path.Combine(output, TrainingLoop.TrainingJsonFile);
        if (options.Resume)
        {
            if (hasResumePoint) return;
            var status = RecordedStatus(trainingJson);
            var why = status == "completed"
                ? "the run there finished (training.json says completed), so there is nothing to continue"
                : $"there is no resume point ({ResumePointFile}) to continue from";
            throw new SettingsAdviceException(name =>
                $"{options.OutputPath}: {name(ResumeSetting)} was given but {why}; run without {name(ResumeSetting)} to start afresh{(status is null ? "" : $" (with {name(ForceSetting)} to replace what is there)")}.", options.OutputPath);
        }
        if (options.Force) return; // replaces what is there, a broken training.json included
        if (RecordedStatus(trainingJson) == "completed")
            throw new SettingsAdviceException(name =>
                $"{options.OutputPath}: holds a finished checkpoint (training.json says completed); choose another output or pass {name(ForceSetting)} to replace it.", options.OutputPath);
        if (hasResumePoint)
            throw new SettingsAdviceException(name =>
                $"{options.OutputPath}: holds an interrupted run's resume point; pass {name(ResumeSetting)} to continue it or {name(ForceSetting)} to start afresh.", options.OutputPath);
    }

    /// <summary>
    /// <see cref="Check"/>, then removes the files of the run that <see cref="TrainingRunOptions.Force"/> replaces, so that an interrupted new run
    /// never pairs the old weights with its own training.json.
    /// </summary>
    /// <exception cref="UserInputException">As <see cref="Check"/>.</exception>
    public static void Prepare(TrainingRunOptions options)
    {
        Check(options);
        if (!options.Force || options.Resume) return;
        var output = Path.GetFullPath(options.OutputPath);
        foreach (var file in new[] { "model.safetensors", TrainingLoop.TrainingJsonFile, TrainingLoop.LogFile })
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
