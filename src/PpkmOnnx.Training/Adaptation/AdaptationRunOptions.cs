using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>Hyperparameters and locations of one masked-LM adaptation run (<c>ppkm adapt</c>).</summary>
public sealed record AdaptationRunOptions
{
    /// <summary>The BERT/DistilBERT checkpoint folder to adapt.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Output folder: the adapted checkpoint, adapt.json, adapt-log.jsonl and, while running, resume/.</summary>
    public required string OutputPath { get; init; }
    /// <summary>A new <c>vocab.txt</c> to move the model to (its <c>tokenizer_config.json</c> beside it is used when present); null keeps the model's.</summary>
    public string? VocabularyPath { get; init; }
    /// <summary>Peak learning rate of AdamW (domain-adaptive pretraining of small encoders: 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;
    /// <summary>Texts per optimizer step.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Tokens per text including [CLS] and [SEP]; longer texts are truncated.</summary>
    public int MaxLength { get; init; } = 128;
    /// <summary>Passes over the corpus.</summary>
    public int Epochs { get; init; } = 1;
    /// <summary>Stop after this many optimizer steps (the schedule is laid out over them); 0 only moves the vocabulary; null runs every epoch.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Share of steps with linear warm-up before linear decay.</summary>
    public double WarmupRatio { get; init; } = 0.06;
    /// <summary>Decoupled weight decay (not on biases and LayerNorm).</summary>
    public double WeightDecay { get; init; } = 0.01;
    /// <summary>Gradient-norm clipping threshold.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Which positions are predicted.</summary>
    public MaskingOptions Masking { get; init; } = new();
    /// <summary>Steps between held-out loss measurements (and log lines).</summary>
    public int EvalEvery { get; init; } = 250;
    /// <summary>Held-back texts scored at each measurement (a fixed sample of the held-out share).</summary>
    public int EvalTexts { get; init; } = 1000;
    /// <summary>Steps between resume points.</summary>
    public int SaveEvery { get; init; } = 500;
    /// <summary>Seed of initialisation, data order and masking.</summary>
    public int Seed { get; init; } = 42;
    /// <summary><c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>How the encoder computes (attention, precision, dropout; the masked-LM head stays float32); each non-default choice is opt-in.</summary>
    public ModelComputeOptions Compute { get; init; } = ModelComputeOptions.Default;
    /// <summary>torch intra-op threads; 0 keeps torch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Continue from <c>OutputPath/resume</c> (an error when there is none; <see cref="Training.TrainingOutputCheck"/>).</summary>
    public bool Resume { get; init; }
    /// <summary>Replace a finished adaptation or an interrupted run's resume point in <see cref="OutputPath"/>; without it such a folder is refused.</summary>
    public bool Force { get; init; }

    /// <summary>Checks the values are in range.</summary>
    /// <exception cref="ArgumentException">The first bad value, named.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath)) throw new ArgumentException("model path is empty.");
        if (string.IsNullOrWhiteSpace(OutputPath)) throw new ArgumentException("output path is empty.");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new ArgumentException($"learning rate must be in (0, 1), got {LearningRate}.");
        if (BatchSize is < 1 or > 4096) throw new ArgumentException($"batch size must be in 1..4096, got {BatchSize}.");
        if (MaxLength is < 3 or > 4096) throw new ArgumentException($"max length must be in 3..4096, got {MaxLength}.");
        if (Epochs is < 1 or > 1000) throw new ArgumentException($"epochs must be in 1..1000, got {Epochs}.");
        if (MaxSteps is < 0) throw new ArgumentException($"max steps must not be negative, got {MaxSteps}.");
        if (!(WarmupRatio >= 0 && WarmupRatio <= 1)) throw new ArgumentException($"warmup ratio must be in [0, 1], got {WarmupRatio}.");
        if (!(WeightDecay >= 0 && WeightDecay < 1)) throw new ArgumentException($"weight decay must be in [0, 1), got {WeightDecay}.");
        if (!(MaxGradNorm > 0 && double.IsFinite(MaxGradNorm))) throw new ArgumentException($"max gradient norm must be positive, got {MaxGradNorm}.");
        if (EvalEvery < 1) throw new ArgumentException($"eval interval must be at least 1 step, got {EvalEvery}.");
        if (EvalTexts < 1) throw new ArgumentException($"eval texts must be at least 1, got {EvalTexts}.");
        if (SaveEvery < 1) throw new ArgumentException($"save interval must be at least 1 step, got {SaveEvery}.");
        if (Threads is < 0 or > 1024) throw new ArgumentException($"threads must be in 0..1024, got {Threads}.");
        Masking.Validate();
        _ = Training.DeviceSelector.Parse(Device);
    }
}
