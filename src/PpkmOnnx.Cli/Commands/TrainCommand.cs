using System.CommandLine;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm train MODEL --data FILE -o DIR</c>: fine-tune a BERT or DistilBERT sequence classifier with TorchSharp.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var options = new TrainingOptions("Hugging Face model folder (config.json, model.safetensors, vocab.txt): BERT or DistilBERT, base or fine-tuned.");
        var command = new Command("train", "Fine-tune a BERT/DistilBERT sentiment classifier (TorchSharp; CUDA when present, else CPU) on a labelled file, split 80/10/10; keeps the best epoch by validation macro-F1.");
        options.Add(command);
        command.SetAction((p, ct) => Task.FromResult(options.Run(p, ct, "train", (o, d, progress, token) => SequenceClassifierTrainer.Run(o, d, progress, token))));
        return command;
    }
}
