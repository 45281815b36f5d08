namespace PpkmOnnx.Core.Data;

/// <summary>Proportions and seed of a stratified train/validation/test split (default 80/10/10, as in the paper).</summary>
public sealed record SplitOptions
{
    /// <summary>Share of each class going to validation.</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Share of each class going to test.</summary>
    public double TestFraction { get; init; } = 0.1;
    /// <summary>Seed of the shuffles.</summary>
    public int Seed { get; init; } = 42;
}
