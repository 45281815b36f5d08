using System.Security.Cryptography;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Runtime;

/// <summary>
/// Package loading, first step: the ONNX file of one variant in a model package folder, checked to be there (with the
/// package's vocabulary), with its size and SHA-256 (the key of the optimized-model cache and of <see cref="ModelPackageInfo"/>).
/// </summary>
/// <param name="Folder">The package folder, full path.</param>
/// <param name="Variant">The variant.</param>
/// <param name="ModelPath">Its ONNX file.</param>
/// <param name="FileSizeBytes">The file's size.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file.</param>
internal sealed record PackageModelFile(string Folder, ModelVariant Variant, string ModelPath, long FileSizeBytes, string Sha256)
{
    /// <summary>Finds <paramref name="variant"/> in <paramref name="packageFolder"/>.</summary>
    /// <exception cref="UserInputException">No such package, no file of that variant (the message lists those present), or no vocab.txt.</exception>
    public static PackageModelFile Locate(string packageFolder, ModelVariant variant)
    {
        var folder = Path.GetFullPath(packageFolder);
        ModelPackageLayout.RequirePackage(folder);
        var modelPath = ModelPackageLayout.ModelPath(folder, variant);
        if (!File.Exists(modelPath))
        {
            var available = ModelPackageLayout.AvailableVariants(folder).Select(ModelPackageLayout.VariantName).ToList();
            throw new UserInputException(
                $"{modelPath}: the {ModelPackageLayout.VariantName(variant)} variant is not in this package (available: {(available.Count == 0 ? "none" : string.Join(", ", available))}).");
        }
        var vocabPath = Path.Combine(folder, ModelPackage.VocabularyFile);
        if (!File.Exists(vocabPath)) throw new UserInputException($"{vocabPath}: vocabulary not found in the model package.");
        string sha256;
        using (var stream = File.OpenRead(modelPath)) sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new PackageModelFile(folder, variant, modelPath, new FileInfo(modelPath).Length, sha256);
    }
}
