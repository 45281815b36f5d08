using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Distillation;

/// <summary>A distillation run: the training options (their <see cref="TrainingRunOptions.ModelPath"/> is the fine-tuned BERT teacher) plus the distillation knobs.</summary>
public sealed record DistillationRunOptions
{
    /// <summary>Hyperparameters and folders; <c>ModelPath</c> is the teacher checkpoint.</summary>
    public required TrainingRunOptions Training { get; init; }
    /// <summary>Softmax temperature T of the soft targets (the KL term is scaled by T²).</summary>
    public double Temperature { get; init; } = 2.0;
    /// <summary>Weight α of the soft-target term; the hard-label cross-entropy gets 1 − α.</summary>
    public double Alpha { get; init; } = 0.5;
    /// <summary>Teacher layers copied into the student, in order; null means every second one (0, 2, 4, …).</summary>
    public IReadOnlyList<int>? StudentLayers { get; init; }

    /// <summary>Checks the values are in range.</summary>
    public void Validate()
    {
        Training.Validate();
        if (!(Temperature > 0)) throw new ArgumentException($"temperature must be positive, got {Temperature}.");
        if (Alpha is < 0 or > 1) throw new ArgumentException($"alpha must be in [0, 1], got {Alpha}.");
    }
}
