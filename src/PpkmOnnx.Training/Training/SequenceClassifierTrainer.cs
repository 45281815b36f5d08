using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Performance;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// Fine-tunes a BERT or DistilBERT checkpoint for sequence classification and writes the best epoch (validation
/// macro-F1) as a Hugging Face checkpoint plus training.json, training-log.jsonl and, while running, resume/.
/// </summary>
public static class SequenceClassifierTrainer
{
    /// <summary>Runs the whole fine-tuning: train, validate every epoch, keep the best, score the test split.</summary>
    /// <param name="options">Hyperparameters and folders.</param>
    /// <param name="data">The splits; their label names become the model's id2label.</param>
    /// <param name="progress">Receives a report per step and per epoch (may be null).</param>
    /// <param name="cancellationToken">Cancelling stops at the next step with <see cref="OperationCanceledException"/>; the output
    /// folder keeps the best checkpoint so far and resume/ the last completed epoch. Cancelled before the first epoch ended,
    /// the run removes what it wrote (and the output folder, when it created it), since there is nothing to keep or resume.</param>
    /// <exception cref="ArgumentException">Bad options or data.</exception>
    /// <exception cref="UserInputException">The checkpoint folder is missing files or does not match its config.</exception>
    public static TrainingResult Run(TrainingRunOptions options, DatasetSplit data, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        data.Validate();
        CheckpointLoader.CheckFolder(options.ModelPath);
        var device = Prepare(options);
        using var loaded = CheckpointLoader.Load(options.ModelPath, new CheckpointLoadOptions { Labels = data.LabelNames, Compute = options.Compute });
        loaded.Model.to(device);
        var tokenizer = BertWordPieceTokenizer.FromFolder(options.ModelPath);
        var job = new TrainingJob
        {
            Stage = "train", Options = options, Data = data, Model = loaded.Model, Device = device, Tokenizer = tokenizer,
            TokenizerFolder = options.ModelPath, NewlyInitialized = loaded.NewlyInitialized,
            Loss = (logits, batch, weights) => nn.functional.cross_entropy(logits, batch.Labels, weights),
            Extra = loaded.HeadOutcome is { } head ? new JsonObject { ["head"] = head } : new JsonObject(),
        };
        return TrainingLoop.Run(job, progress, cancellationToken) with { HeadOutcome = loaded.HeadOutcome };
    }

    /// <summary>Applies the per-process settings (<see cref="ProcessSettings"/>: oneMKL's kernels, glibc's heap), seeds torch, sets its thread count and picks the device for a run.</summary>
    /// <exception cref="InvalidSettingException">
    /// bfloat16 products on a CPU without native bfloat16 instructions, or <c>PPKM_MKL_KERNELS</c> or <c>PPKM_MALLOC</c> set to an unknown mode.
    /// </exception>
    internal static Device Prepare(TrainingRunOptions options)
    {
        ProcessSettings.EnsureConfigured(); // before the first GEMM and training's first allocations
        if (options.Threads > 0) torch.set_num_threads(options.Threads);
        // The seed fixes the fresh head's initialisation; epochs reseed from it for dropout.
        torch.manual_seed(options.Seed);
        var device = DeviceSelector.Resolve(options.Device);
        options.Compute.EnsureSupportedOn(device.type, CpuFeatures.Current);
        return device;
    }
}
