using PpkmOnnx.Onnx.Pretrained;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Support;

/// <summary>MiniLM imported once per test class (the import writes 90 MB), deleted afterwards.</summary>
public sealed class ImportedMiniLm : IDisposable
{
    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public ImportedMiniLm() => Result = PretrainedImporter.Import(PretrainedCatalog.MiniLm, _temp.Combine("minilm"));

    public PretrainedImportResult Result { get; }

    public void Dispose() => _temp.Dispose();
}
