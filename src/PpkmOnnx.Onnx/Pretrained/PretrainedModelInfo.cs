namespace PpkmOnnx.Onnx.Pretrained;

/// <summary>A pretrained encoder shipped inside a NuGet package's DLL as embedded <c>model.onnx</c> and <c>vocab.txt</c>.</summary>
/// <param name="Name">Short name used on the command line (<c>minilm</c>, <c>arctic-xs</c>).</param>
/// <param name="PackageId">NuGet package id.</param>
/// <param name="PackageVersion">NuGet package version.</param>
/// <param name="Description">What the model is.</param>
public sealed record PretrainedModelInfo(string Name, string PackageId, string PackageVersion, string Description)
{
    /// <summary>The DLL file name inside the package.</summary>
    public string AssemblyFileName => PackageId + ".dll";
}
