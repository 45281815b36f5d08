namespace PpkmOnnx.Benchmarking.Running;

/// <summary>One model package to benchmark.</summary>
public sealed record BenchmarkModelInput
{
    /// <summary>The package folder (see <c>ModelPackageLayout</c>).</summary>
    public required string PackageFolder { get; init; }
    /// <summary>Display name; null = the folder's name.</summary>
    public string? Name { get; init; }
    /// <summary>
    /// training.json to read (trainable parameters, training time, per-epoch curves); null = look for
    /// training.json in the package, then in the checkpoint export.json names.
    /// </summary>
    public string? TrainingJsonPath { get; init; }

    /// <summary>An input for <paramref name="packageFolder"/> with the default name and training.json lookup.</summary>
    public static BenchmarkModelInput ForPackage(string packageFolder) => new() { PackageFolder = packageFolder };
}
