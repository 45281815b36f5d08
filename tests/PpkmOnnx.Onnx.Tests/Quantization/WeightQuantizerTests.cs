using PpkmOnnx.Onnx.Quantization;

namespace PpkmOnnx.Onnx.Tests.Quantization;

public class WeightQuantizerTests
{
    // [K=3, N=2]: column 0 has max |w| 2.54, column 1 has max |w| 0.127.
    private static readonly float[] W = [1.27f, -0.127f, -2.54f, 0.0635f, 0.5f, 0.01f];

    [Fact]
    public void PerChannelScalesAreColumnMaxOver127()
    {
        var q = WeightQuantizer.Quantize(W, 3, 2, perChannel: true, reduceRange: false);
        Assert.Equal(2.54f / 127, q.Scales[0], 6);
        Assert.Equal(0.127f / 127, q.Scales[1], 6);
        // Hand-computed: 1.27/0.02 = 63.5 → 64 (half to even), −2.54/0.02 = −127, 0.5/0.02 = 25;
        // −0.127/0.001 = −127, 0.0635/0.001 = 63.5 → 64, 0.01/0.001 = 10.
        Assert.Equal(new sbyte[] { 64, -127, -127, 64, 25, 10 }, q.Values);
        Assert.True(q.PerChannel);
    }

    [Fact]
    public void ReducedRangeUses63Levels()
    {
        var q = WeightQuantizer.Quantize(W, 3, 2, perChannel: true, reduceRange: true);
        Assert.Equal(2.54f / 63, q.Scales[0], 6);
        Assert.Equal(63, q.QuantMax);
        Assert.Equal(-63, q.Values[2]);
        Assert.All(q.Values, v => Assert.InRange((int)v, -63, 63));
    }

    [Fact]
    public void PerTensorUsesOneScaleAndReconstructsWithinHalfAStep()
    {
        var q = WeightQuantizer.Quantize(W, 3, 2, perChannel: false, reduceRange: false);
        Assert.Single(q.Scales);
        Assert.Equal(2.54f / 127, q.Scales[0], 6);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 2; c++)
                Assert.True(Math.Abs(q.Dequantized(r, c) - W[r * 2 + c]) <= q.Scales[0] / 2 + 1e-7);
    }

    [Fact]
    public void AllZeroColumnGetsUnitScaleAndZeros()
    {
        var q = WeightQuantizer.Quantize([0f, 1f, 0f, -1f], 2, 2, perChannel: true, reduceRange: false);
        Assert.Equal(1f, q.Scales[0]);
        Assert.Equal(0, q.Values[0]);
        Assert.Equal(-127, q.Values[3]);
    }

    [Fact]
    public void WrongShapeIsRejected() =>
        Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize(W, 4, 2, true, false));

    [Fact]
    public void EntropyThresholdClipsALongTail()
    {
        // 2048 bins: mass concentrated in the first 200, a few outliers at the far end.
        var h = new long[2048];
        var rng = new Random(3);
        for (int i = 0; i < 100_000; i++) h[Math.Min(199, (int)Math.Abs(rng.NextDouble() * rng.NextDouble() * 200))]++;
        h[2047] = 3;
        int t = ActivationCalibrator.EntropyThreshold(h);
        Assert.InRange(t, 128, 1024);
    }
}
