using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Onnx.Tests.Quantization;

/// <summary>
/// An exclusion pattern must name something the mode converts (TinyFusedBert's graph: the fused Attention of layer.0
/// with its qkv weight and bias, the classifier MatMul with classifier.weight/bias, the word-embedding Gather, a Cast).
/// </summary>
public class ExclusionPatternTests
{
    [Theory]
    [InlineData("int8", false, "/classifier/*", "/classifier/MatMul")]
    [InlineData("int8", false, "classifier.bias", "/classifier/MatMul")]
    [InlineData("int8", false, "layer.0", "/encoder/layer.0/attention/Attention")]
    [InlineData("int8", false, "encoder.layer.?.attention.qkv.weight", "/encoder/layer.0/attention/Attention")]
    [InlineData("int8", true, "/embeddings/Gather", "/embeddings/Gather")]
    [InlineData("fp16", false, "/mask/Cast", "/mask/Cast")]
    public void A_pattern_naming_what_the_mode_converts_keeps_it_in_float32(string mode, bool wordEmbedding, string pattern, string keptNode)
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var result = OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Variant = ModelPackageLayout.ParseVariant(mode), QuantizeWordEmbedding = wordEmbedding, Exclude = [pattern],
        });
        Assert.Contains(keptNode, result.ExcludedNodes);
        Assert.True(File.Exists(result.OutputPath));
    }

    [Theory]
    [InlineData("int8", false, "/clasifier/*")] // a typo
    [InlineData("int8", false, "/mask/Cast")] // a node int8 never converts
    [InlineData("int8", false, "/embeddings/Gather")] // the word embedding stays float unless it is quantized
    [InlineData("int8", false, "classifier")] // patterns match whole names
    [InlineData("int8-static", false, "layer.1")] // the model has one layer
    [InlineData("fp16", false, "classifier.weight")] // fp16 matches node names, not weights
    public void A_pattern_naming_nothing_the_mode_converts_is_refused_before_anything_is_written(string mode, bool wordEmbedding, string pattern)
    {
        using var tmp = TestPaths.NewTempFolder();
        var package = TinyFusedBert.Write(tmp.Combine("pkg"));
        var before = Directory.GetFiles(package).Order().ToArray();
        var variant = ModelPackageLayout.ParseVariant(mode);
        var error = Assert.Throws<UserInputException>(() => OnnxQuantizer.Quantize(new QuantizeOptions
        {
            PackageFolder = package, Variant = variant, QuantizeWordEmbedding = wordEmbedding, Exclude = ["/classifier/*", pattern],
            CalibrationTexts = TinyFusedBert.Texts(4, 3),
        }));
        Assert.StartsWith($"exclusion pattern '{pattern}' names nothing {mode} converts", error.Message);
        // The examples are real names of the mode's kind, so the user sees the spelling.
        Assert.Contains(mode == "fp16" ? "/embeddings/Gather" : "/encoder/layer.0/attention/Attention", error.Message);
        Assert.Equal(before, Directory.GetFiles(package).Order().ToArray());
    }
}
