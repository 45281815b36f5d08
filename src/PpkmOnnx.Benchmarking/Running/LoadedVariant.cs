using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>One variant's open session and file facts.</summary>
internal sealed record LoadedVariant(ModelVariant Variant, VariantSession Session, string Path, long FileSizeBytes, long ParameterCount);
