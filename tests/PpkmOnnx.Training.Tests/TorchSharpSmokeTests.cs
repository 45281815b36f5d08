using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

public class TorchSharpSmokeTests
{
    [Fact]
    public void LibTorchLoadsAndBackwardComputesTheAnalyticGradient()
    {
        // d/dx sum(x^3) = 3x^2: checks the native library loads and autograd runs.
        var x = tensor(new float[] { 1f, -2f, 0.5f }, requires_grad: true);
        var y = x.pow(3).sum();
        y.backward();
        var grad = x.grad!.data<float>().ToArray();
        Assert.Equal(new[] { 3f, 12f, 0.75f }, grad);
    }
}
