namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>hyperparameters</c>: the settings of a masked-LM adaptation.</summary>
public sealed record AdaptHyperparametersRecord
{
    /// <summary><c>learning_rate</c>: peak learning rate.</summary>
    public required double LearningRate { get; init; }
    /// <summary><c>batch_size</c>: texts per step.</summary>
    public required int BatchSize { get; init; }
    /// <summary><c>max_length</c>: tokens per text, [CLS] and [SEP] included.</summary>
    public required int MaxLength { get; init; }
    /// <summary><c>epochs</c>: passes over the corpus planned.</summary>
    public required int Epochs { get; init; }
    /// <summary><c>max_steps</c>: the step limit, or null for none.</summary>
    public int? MaxSteps { get; init; }
    /// <summary><c>warmup_ratio</c>: share of steps warming up.</summary>
    public double? WarmupRatio { get; init; }
    /// <summary><c>weight_decay</c>.</summary>
    public double? WeightDecay { get; init; }
    /// <summary><c>max_grad_norm</c>: gradient clipping norm.</summary>
    public double? MaxGradNorm { get; init; }
    /// <summary><c>seed</c>.</summary>
    public required int Seed { get; init; }
    /// <summary><c>mask_probability</c>: share of tokens predicted.</summary>
    public double? MaskProbability { get; init; }
    /// <summary><c>mask_share</c>: share of predicted tokens replaced by [MASK].</summary>
    public double? MaskShare { get; init; }
    /// <summary><c>whole_word_masking</c>: whether whole words are masked.</summary>
    public bool? WholeWordMasking { get; init; }
    /// <summary><c>optimizer</c>: a description of the optimizer.</summary>
    public string? Optimizer { get; init; }
    /// <summary><c>schedule</c>: a description of the learning-rate schedule.</summary>
    public string? Schedule { get; init; }
    /// <summary><c>attention</c>: the attention kernel (<c>eager</c>, <c>fused</c>), or null in a file written before the choice existed (those attended eagerly).</summary>
    public string? Attention { get; init; }
    /// <summary><c>precision</c>: the number format of the encoder's products (<c>fp32</c>, <c>bf16</c>), or null in a file written before the choice existed (fp32).</summary>
    public string? Precision { get; init; }
    /// <summary><c>dropout</c>: how dropout masks were drawn (<c>libtorch</c>, <c>counter</c>), or null in a file written before the choice existed (libtorch).</summary>
    public string? Dropout { get; init; }
}
