using System.Text.Json.Nodes;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>quantize.json records the calibration actually run, and a cancelled quantization writes nothing.</summary>
public sealed class QuantizeRecordTests
{
    [Fact]
    public void A_clamped_calibration_count_is_recorded_with_what_was_asked()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = TinyFusedBert.Texts(5, 3), CalibrationSamples = 128,
        });
        var calibration = JsonNode.Parse(File.ReadAllText(Path.Combine(package, ModelPackageLayout.QuantizeReportFile)))!["variants"]!["int8-static"]!["calibration"]!;
        Assert.Equal(5, calibration["texts"]!.GetValue<int>());
        Assert.Equal(128, calibration["texts_requested"]!.GetValue<int>());
    }

    [Fact]
    public void A_cancelled_quantization_writes_neither_variant_nor_record()
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var before = Directory.GetFiles(package).Order().ToArray();
        using var cts = new CancellationTokenSource();
        int batches = 0;
        // Cancelled while calibrating, after the first tokenized batch.
        Assert.ThrowsAny<OperationCanceledException>(() => OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Variant = ModelVariant.Int8Static, CalibrationTexts = TinyFusedBert.Texts(64, 3), BatchSize = 8,
            Tokenize = texts =>
            {
                if (++batches == 2) cts.Cancel();
                return Core.Tokenization.BertWordPieceTokenizer.FromFolder(package).EncodeBatch(texts, 32);
            },
            Cancellation = cts.Token,
        }));
        Assert.Equal(2, batches);
        Assert.Equal(before, Directory.GetFiles(package).Order().ToArray());
    }
}
