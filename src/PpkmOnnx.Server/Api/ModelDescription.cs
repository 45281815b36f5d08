using PpkmOnnx.Runtime;

namespace PpkmOnnx.Server.Api;

/// <summary>One entry of GET /v1/models.</summary>
public sealed record ModelDescription(string Name, string Architecture, string Variant, string Provider, IReadOnlyList<string> Labels,
    int MaxLength, long FileSizeBytes, string Sha256)
{
    /// <summary>Describes a loaded model under its served name.</summary>
    public static ModelDescription From(string name, ModelPackageInfo info) =>
        new(name, info.Architecture, info.VariantName, info.ExecutionProvider, info.Labels, info.MaxLength, info.FileSizeBytes, info.Sha256);
}
