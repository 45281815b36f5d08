using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Distillation;

/// <summary>
/// Distils a fine-tuned BERT teacher into a DistilBERT student (built by <see cref="StudentBuilder"/>) with soft-target KL
/// plus hard-label cross-entropy; writes the same outputs as <see cref="SequenceClassifierTrainer"/> (training.json also names
/// the teacher, temperature, alpha and layer map).
/// </summary>
public static class Distiller
{
    /// <summary>
    /// Checks a teacher folder before any data is read: what <see cref="CheckpointLoader.CheckFolder"/> checks, and a BERT
    /// architecture (the student is a DistilBERT built from a BERT teacher's layers).
    /// </summary>
    /// <exception cref="UserInputException">The folder cannot be trained from, or holds another architecture.</exception>
    public static void CheckTeacher(string folder, int? maxLength = null)
    {
        CheckpointLoader.CheckFolder(folder, maxLength);
        var architecture = ModelConfig.Load(folder).Architecture;
        if (architecture != ModelArchitecture.Bert)
            throw new UserInputException($"{Path.Combine(folder, "config.json")}: the teacher is a {architecture} model; distill builds a DistilBERT student from a BERT teacher's layers, so give a fine-tuned BERT checkpoint.");
    }

    /// <summary>Runs the distillation.</summary>
    /// <param name="options">Distillation and training options; <c>Training.ModelPath</c> is the teacher.</param>
    /// <param name="data">The splits; their label names must equal the teacher's.</param>
    /// <param name="progress">Receives a report per step and per epoch (may be null).</param>
    /// <param name="cancellationToken">As for <see cref="SequenceClassifierTrainer.Run"/>.</param>
    public static TrainingResult Run(DistillationRunOptions options, DatasetSplit data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        data.Validate();
        var training = options.Training;
        CheckTeacher(training.ModelPath);
        var device = SequenceClassifierTrainer.Prepare(training);
        using var teacher = CheckpointLoader.Load(training.ModelPath, new CheckpointLoadOptions { Compute = training.Compute });
        var teacherLabels = teacher.Model.Config.Labels;
        if (!teacherLabels.SequenceEqual(data.LabelNames))
            throw new UserInputException($"{training.ModelPath}: the teacher's labels [{string.Join(", ", teacherLabels)}] differ from the data's [{string.Join(", ", data.LabelNames)}] (distil from a teacher fine-tuned on these classes).");
        var layers = options.StudentLayers ?? StudentBuilder.DefaultLayers(teacher.Model.Config.NumHiddenLayers);
        using var student = StudentBuilder.FromTeacher(teacher.Model, layers);
        teacher.Model.to(device);
        teacher.Model.eval();
        student.to(device);
        double temperature = options.Temperature, alpha = options.Alpha;
        var teacherLogits = new TeacherLogits(teacher.Model);
        var job = new TrainingJob
        {
            Stage = "distill", Options = training, Data = data, Model = student, Device = device,
            Tokenizer = BertWordPieceTokenizer.FromFolder(training.ModelPath), TokenizerFolder = training.ModelPath,
            NewlyInitialized = Array.Empty<string>(),
            Teacher = teacherLogits,
            Loss = teacherLogits.Loss(temperature, alpha),
            Extra = new JsonObject
            {
                ["teacher"] = Path.GetFullPath(training.ModelPath),
                ["distillation"] = new JsonObject
                {
                    ["temperature"] = temperature,
                    ["alpha"] = alpha,
                    ["student_layers"] = new JsonArray(layers.Select(l => (JsonNode)l).ToArray()),
                    ["teacher_trainable_parameters"] = teacher.Model.TrainableParameterCount(),
                },
            },
        };
        return TrainingLoop.Run(job, progress, cancellationToken);
    }
}
