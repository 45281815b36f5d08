using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Runtime.Tests;

/// <summary><see cref="ClassifierLogits.Read"/>: the one decoder and shape check of a classifier's output, on hand-built tensors.</summary>
public sealed class ClassifierLogitsTests
{
    [Fact]
    public void Read_Float32_KeepsValuesAndPredictsByRow()
    {
        float[] values = [0.5f, -1f, 2f, 3f, 3f, 1f];
        using var output = OrtValue.CreateTensorValueFromMemory(values, [2, 3]);

        var logits = ClassifierLogits.Read(output, 2, 3, "test");

        Assert.Equal(2, logits.Rows);
        Assert.Equal(3, logits.Classes);
        Assert.Equal(values, logits.Values.ToArray());
        Assert.Equal(2, logits.Predicted(0));
        Assert.Equal(0, logits.Predicted(1)); // tie of 3 and 3: the first
    }

    [Fact]
    public void Read_Float16_WidensExactlyAndAcceptsAnyClassCountWhenNoneIsExpected()
    {
        // 1.5, -0.25 and 1024 are exact in float16.
        Float16[] half = [(Float16)1.5f, (Float16)(-0.25f), (Float16)1024f, (Float16)0f];
        using var output = OrtValue.CreateTensorValueFromMemory(half, [1, 4]);

        var logits = ClassifierLogits.Read(output, 1, null, "test");

        Assert.Equal(4, logits.Classes);
        Assert.Equal(new[] { 1.5f, -0.25f, 1024f, 0f }, logits.Row(0).ToArray());
        Assert.Equal(2, logits.Predicted(0));
    }

    [Theory]
    [InlineData(new long[] { 6 }, 2, 3)]        // rank 1
    [InlineData(new long[] { 1, 2, 3 }, 2, 3)]  // rank 3
    [InlineData(new long[] { 3, 2 }, 2, 3)]     // rows differ from those fed
    [InlineData(new long[] { 2, 3 }, 2, 4)]     // classes differ from the labels
    public void Read_WrongShape_Throws(long[] shape, int rows, int classes)
    {
        using var output = OrtValue.CreateTensorValueFromMemory(new float[6], shape);

        var e = Assert.Throws<UserInputException>(() => ClassifierLogits.Read(output, rows, classes, "m.onnx: output 'logits'"));
        Assert.Contains("m.onnx: output 'logits': logits have shape", e.Message);
    }

    [Fact]
    public void Read_NotFloat_Throws()
    {
        using var output = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 2 }, [1, 2]);

        Assert.Throws<UserInputException>(() => ClassifierLogits.Read(output, 1, null, "test"));
    }
}
