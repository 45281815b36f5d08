using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Training;

/// <summary>Hyperparameters and locations of one fine-tuning (or distillation) run. Defaults follow the paper.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Checkpoint folder to start from (config.json, model.safetensors, vocab.txt); for distillation, the teacher.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Output folder: best checkpoint, training.json, training-log.jsonl, resume/.</summary>
    public required string OutputPath { get; init; }
    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 2e-5;
    /// <summary>Examples per optimizer step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Examples per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 64;
    /// <summary>Passes over the train split.</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Tokens per example including [CLS] and [SEP]; longer texts are truncated.</summary>
    public int MaxLength { get; init; } = 128;
    /// <summary>Fraction of all optimizer steps spent warming the learning rate up linearly from 0.</summary>
    public double WarmupRatio { get; init; } = 0.1;
    /// <summary>Decoupled weight decay (not applied to biases and LayerNorm weights).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Gradient-norm clipping threshold.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Class weights of the cross-entropy loss.</summary>
    public ClassWeighting ClassWeighting { get; init; } = ClassWeighting.None;
    /// <summary>Seed of torch (initialisation, dropout) and of the data order.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Stop after this many epochs without a better validation macro-F1; null trains every epoch.</summary>
    public int? EarlyStoppingPatience { get; init; }
    /// <summary><c>auto</c> (CUDA when available), <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>
    /// How the model computes: fused attention, bfloat16 products and counter-based dropout are each faster on some CPUs
    /// but change results beyond float tolerance, so each is opt-in (<see cref="ModelComputeOptions"/>).
    /// </summary>
    public ModelComputeOptions Compute { get; init; } = ModelComputeOptions.Default;
    /// <summary>
    /// Keep the embeddings (word, position and token-type tables and their LayerNorm) as loaded: no gradient, optimizer
    /// state or update for them (<see cref="SequenceClassifier.FreezeEmbeddings"/>). Faster and lighter steps, different
    /// results, so opt-in.
    /// </summary>
    public bool FreezeEmbeddings { get; init; }
    /// <summary>torch intra-op threads; 0 keeps torch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Continue from <c>OutputPath/resume</c>; without a resume point there, the run is refused (<see cref="TrainingOutputCheck"/>).</summary>
    public bool Resume { get; init; }
    /// <summary>Replace a finished checkpoint or an interrupted run in <see cref="OutputPath"/>; without it, such a folder is refused.</summary>
    public bool Force { get; init; }

    /// <summary>Settings chosen automatically, each with its reason (recorded in training.json).</summary>
    public IReadOnlyList<string> AutomaticChoices { get; init; } = [];

    /// <summary>Checks the values are in range.</summary>
    /// <exception cref="ArgumentException">The first bad value, named.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("model path is empty.");
        if (string.IsNullOrWhiteSpace(OutputPath)) throw new ArgumentException("output path is empty.");
        if (!(LearningRate > 0)) throw new ArgumentException($"learning rate must be positive, got {LearningRate}.");
        if (BatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {BatchSize}.");
        if (EvalBatchSize < 1) throw new ArgumentException($"eval batch size must be at least 1, got {EvalBatchSize}.");
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}.");
        if (MaxLength < 2) throw new ArgumentException($"max length must be at least 2, got {MaxLength}.");
        if (WarmupRatio is < 0 or > 1) throw new ArgumentException($"warmup ratio must be in [0, 1], got {WarmupRatio}.");
        if (WeightDecay < 0) throw new ArgumentException($"weight decay must not be negative, got {WeightDecay}.");
        if (!(MaxGradNorm > 0)) throw new ArgumentException($"max gradient norm must be positive, got {MaxGradNorm}.");
        if (EarlyStoppingPatience is < 1) throw new ArgumentException($"early-stopping patience must be at least 1, got {EarlyStoppingPatience}.");
        if (Threads < 0) throw new ArgumentException($"threads must not be negative, got {Threads}.");
        _ = DeviceSelector.Parse(Device);
    }
}
