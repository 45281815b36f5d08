using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Runtime;

/// <summary>What a loaded model is: enough to list it, log it and check it is the one meant.</summary>
/// <param name="Name">Package name (its folder name unless given).</param>
/// <param name="Architecture">Model type (<c>bert</c>, <c>distilbert</c>) or <c>unknown</c>.</param>
/// <param name="Variant">The variant loaded.</param>
/// <param name="ExecutionProvider">The ONNX Runtime execution provider really in use.</param>
/// <param name="Labels">Label names by class id.</param>
/// <param name="MaxLength">Maximum sequence length in tokens (longer texts are truncated).</param>
/// <param name="ModelPath">The ONNX file loaded.</param>
/// <param name="FileSizeBytes">Size of the ONNX file.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the ONNX file.</param>
/// <param name="HasTokenTypeIds">Whether the graph takes a token_type_ids input.</param>
public sealed record ModelPackageInfo(
    string Name,
    string Architecture,
    ModelVariant Variant,
    string ExecutionProvider,
    IReadOnlyList<string> Labels,
    int MaxLength,
    string ModelPath,
    long FileSizeBytes,
    string Sha256,
    bool HasTokenTypeIds)
{
    /// <summary>The variant's short name (fp32, int8, int8-static, fp16).</summary>
    public string VariantName => ModelPackageLayout.VariantName(Variant);
}
