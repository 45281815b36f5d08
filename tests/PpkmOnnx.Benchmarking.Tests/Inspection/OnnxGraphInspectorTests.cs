using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Inspection;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Benchmarking.Tests.Inspection;

public class OnnxGraphInspectorTests
{
    [Fact]
    public void Counts_the_elements_of_every_initializer()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("model.onnx");
        TinyPackage.HandSet().WriteOnnx(path);
        // Hand: embeddings 15×3 + weight 3×3 + bias 3 = 57.
        Assert.Equal(57, OnnxGraphInspector.CountParameters(path));
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_named()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("model.onnx");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        Assert.Contains(path, Assert.Throws<UserInputException>(() => OnnxGraphInspector.CountParameters(path)).Message);
        Assert.Throws<UserInputException>(() => OnnxGraphInspector.CountParameters(temp.Combine("none.onnx")));
    }
}
