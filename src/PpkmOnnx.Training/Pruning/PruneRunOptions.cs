using PpkmOnnx.Core;
using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Pruning;

/// <summary>A pruning run: targets, importance sample, and the recovery fine-tuning (knowledge distillation from the unpruned model).</summary>
public sealed record PruneRunOptions
{
    /// <summary>Fewest training rows importance is scored on: with less, a handful of gradients decides which heads live.</summary>
    public const int MinimumScoringRows = 32;

    /// <summary>
    /// Source checkpoint (<c>ModelPath</c>), output folder, and the recovery hyperparameters (learning rate, batch size,
    /// max length, device, seed); its <c>Epochs</c> is ignored in favour of <see cref="RecoveryEpochs"/>.
    /// </summary>
    public required TrainingRunOptions Training { get; init; }
    /// <summary>Fraction of the model's attention heads to keep, in (0, 1].</summary>
    public double HeadsKeep { get; init; } = 1.0;
    /// <summary>Fraction of each layer's FFN neurons to keep, in (0, 1].</summary>
    public double FfnKeep { get; init; } = 1.0;
    /// <summary>Epochs of recovery fine-tuning after removal; 0 writes the pruned model as removal leaves it.</summary>
    public int RecoveryEpochs { get; init; } = 1;
    /// <summary>Training rows importance is scored on (a seeded sample when the split has more); 0 means all.</summary>
    public int ImportanceRows { get; init; } = 1024;
    /// <summary>
    /// Pruning steps, each importance on the current model, removal and recovery, on the geometric schedule of
    /// <see cref="PruneSchedule"/>; 1 prunes in one shot.
    /// </summary>
    public int Steps { get; init; } = 1;
    /// <summary>Softmax temperature of the recovery's soft targets.</summary>
    public double Temperature { get; init; } = 2.0;
    /// <summary>Weight of the soft-target term in the recovery loss (1 − α on the hard labels).</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Checks the values are in range.</summary>
    /// <exception cref="InvalidSettingException">The first bad value, naming its property.</exception>
    public void Validate()
    {
        (Training with { Epochs = Math.Max(1, RecoveryEpochs) }).Validate();
        if (!(HeadsKeep > 0 && HeadsKeep <= 1)) throw new InvalidSettingException(nameof(HeadsKeep), $"must be a fraction in (0, 1], got {HeadsKeep}.");
        if (!(FfnKeep > 0 && FfnKeep <= 1)) throw new InvalidSettingException(nameof(FfnKeep), $"must be a fraction in (0, 1], got {FfnKeep}.");
        if (HeadsKeep == 1 && FfnKeep == 1) throw new InvalidSettingException(nameof(HeadsKeep), "nothing to prune: keep less than all heads and/or FFN neurons.", nameof(FfnKeep));
        if (RecoveryEpochs < 0) throw new InvalidSettingException(nameof(RecoveryEpochs), $"must not be negative, got {RecoveryEpochs}.");
        if (ImportanceRows < 0) throw new InvalidSettingException(nameof(ImportanceRows), $"must not be negative, got {ImportanceRows}.");
        if (ImportanceRows is > 0 and < MinimumScoringRows) throw new InvalidSettingException(nameof(ImportanceRows), $"must be at least {MinimumScoringRows} (or 0 for all), got {ImportanceRows}.");
        if (Steps is < 1 or > PruneSchedule.MaxSteps) throw new InvalidSettingException(nameof(Steps), $"must be in 1..{PruneSchedule.MaxSteps}, got {Steps}.");
        if (!(Temperature > 0)) throw new UserInputException($"temperature must be positive, got {Temperature}.");
        if (Alpha is < 0 or > 1) throw new UserInputException($"alpha must be in [0, 1], got {Alpha}.");
    }
}
