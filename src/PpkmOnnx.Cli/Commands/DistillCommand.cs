using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Training.Distillation;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm distill TEACHER --data FILE -o DIR</c>: a DistilBERT student from a fine-tuned BERT teacher, trained with knowledge distillation.</summary>
internal static class DistillCommand
{
    public static Command Create()
    {
        var options = new TrainingOptions("Fine-tuned BERT teacher folder (from ppkm train).");
        var temperature = new Option<double>("--temperature") { Description = "Softmax temperature of the soft targets.", DefaultValueFactory = _ => 2.0 }.InRange(0.01, 100.0);
        var alpha = new Option<double>("--alpha") { Description = "Weight of the soft-target KL term (1 - alpha on the hard-label cross-entropy).", DefaultValueFactory = _ => 0.5 }.InRange(0.0, 1.0);
        var layers = new Option<string>("--student-layers") { Description = "Teacher layers the student starts from, e.g. 0,2,4 (default: every other layer, half the depth)." };
        var command = new Command("distill", "Build a DistilBERT student from a fine-tuned BERT teacher (layer i <- teacher layer 2i, embeddings copied) and train it with soft-target KL plus hard-label cross-entropy.");
        options.Add(command);
        command.Options.Add(temperature);
        command.Options.Add(alpha);
        command.Options.Add(layers);
        command.SetAction((p, ct) =>
        {
            IReadOnlyList<int>? studentLayers = null;
            if (p.GetValue(layers) is { } spec)
            {
                try { studentLayers = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToList(); }
                catch (FormatException) { throw new UserInputException($"--student-layers must be comma-separated layer numbers, got '{spec}'."); }
            }
            var t = p.GetValue(temperature);
            var a = p.GetValue(alpha);
            return Task.FromResult(options.Run(p, ct, "distill",
                (o, d, progress, token) => Distiller.Run(new DistillationRunOptions { Training = o, Temperature = t, Alpha = a, StudentLayers = studentLayers }, d, progress, token),
                [("temperature", $"{t}"), ("alpha", $"{a}"), ("student layers", LayerText(studentLayers))], checkModel: Distiller.CheckTeacher));
            static string LayerText(IReadOnlyList<int>? l) => l is null ? "every other teacher layer" : string.Join(",", l);
        });
        return command;
    }
}
