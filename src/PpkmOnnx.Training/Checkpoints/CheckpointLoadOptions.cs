using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Checkpoints;

/// <summary>How <see cref="CheckpointLoader"/> builds a model from a folder.</summary>
public sealed record CheckpointLoadOptions
{
    /// <summary>
    /// Class names for the head. When set they replace the checkpoint's labels (a base model gains a fresh head);
    /// when null the checkpoint's own labels are used.
    /// </summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Device for the parameters (<c>cpu</c>, <c>cuda</c>); null means CPU.</summary>
    public string? Device { get; init; }

    /// <summary>How the model computes (attention, precision, dropout); <see cref="ModelComputeOptions.Default"/> (Hugging Face's path) by default.</summary>
    public ModelComputeOptions Compute { get; init; } = ModelComputeOptions.Default;
}
