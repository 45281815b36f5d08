namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// training.json's <c>hyperparameters</c>. The settings every ppkm training.json has carried are required; those added
/// later (<c>eval_batch_size</c>, <c>attention</c>, <c>precision</c>, <c>dropout</c>, <c>automatic_choices</c>) and the descriptive ones are optional.
/// </summary>
public sealed record TrainingHyperparametersRecord
{
    /// <summary><c>learning_rate</c>: peak learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary><c>batch_size</c>: training batch size.</summary>
    public required int BatchSize { get; init; }
    /// <summary><c>eval_batch_size</c>: evaluation batch size, or null in a file that does not say.</summary>
    public int? EvalBatchSize { get; init; }
    /// <summary><c>epochs</c>: epochs planned.</summary>
    public required int Epochs { get; init; }
    /// <summary><c>max_length</c>: tokens per text trained with.</summary>
    public required int MaxLength { get; init; }
    /// <summary><c>warmup_ratio</c>: share of steps warming up.</summary>
    public double? WarmupRatio { get; init; }
    /// <summary><c>weight_decay</c>.</summary>
    public double? WeightDecay { get; init; }
    /// <summary><c>max_grad_norm</c>: gradient clipping norm.</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary><c>class_weighting</c>: None, Balanced, ….</summary>
    public string? ClassWeighting { get; init; }
    /// <summary><c>seed</c>.</summary>
    public required int Seed { get; init; }
    /// <summary><c>early_stopping_patience</c>: epochs without improvement before stopping, or null for none.</summary>
    public int? EarlyStoppingPatience { get; init; }
    /// <summary><c>attention</c>: the attention kernel, or null in a file written before the choice existed (those attended eagerly).</summary>
    public string? Attention { get; init; }
    /// <summary><c>precision</c>: the number format of the matrix products (<c>fp32</c>, <c>bf16</c>), or null in a file written before the choice existed (those ran in fp32).</summary>
    public string? Precision { get; init; }
    /// <summary><c>dropout</c>: how dropout masks were drawn (<c>libtorch</c>, <c>counter</c>), or null in a file written before the choice existed (those used libtorch's).</summary>
    public string? Dropout { get; init; }
    /// <summary>
    /// <c>freeze_embeddings</c>: whether the embeddings (word, position, token type and their LayerNorm) stayed as loaded,
    /// or null in a file written before the choice existed (those trained them).
    /// </summary>
    public bool? FreezeEmbeddings { get; init; }
    /// <summary><c>optimizer</c>: a description of the optimizer.</summary>
    public string? Optimizer { get; init; }
    /// <summary><c>schedule</c>: a description of the learning-rate schedule.</summary>
    public string? Schedule { get; init; }
    /// <summary><c>automatic_choices</c>: settings ppkm chose itself, each with why, or null in a file that does not say.</summary>
    public IReadOnlyList<string>? AutomaticChoices { get; init; }
}
