using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// The machine's single-precision GEMM rate through libtorch (<c>torch.mm</c> on CPU, the BLAS the training step itself
/// uses; products are written into a reused result, as a BLAS call would) at given shapes and the current intra-op thread count: the yardstick a training step's achieved rate is divided by.
/// </summary>
public static class GemmPeakProbe
{
    /// <summary>
    /// Times each shape (two warm-up products, then products until <paramref name="secondsPerShape"/> has passed, at least
    /// three) and returns the median rate of each; the best of them is the peak.
    /// </summary>
    public static IReadOnlyList<GemmRate> Measure(IEnumerable<GemmShape> shapes, double secondsPerShape = 0.25, ScalarType dtype = ScalarType.Float32)
    {
        var rates = new List<GemmRate>();
        using var noGrad = torch.no_grad();
        foreach (var shape in shapes)
        {
            using var scope = torch.NewDisposeScope();
            var generator = new Generator(7);
            var a = torch.rand(new[] { shape.M, shape.K }, generator: generator).to(dtype);
            var b = torch.rand(new[] { shape.K, shape.N }, generator: generator).to(dtype);
            var c = torch.empty(shape.M, shape.N, dtype: dtype);
            for (int i = 0; i < 2; i++) c.addmm_(a, b, beta: 0, alpha: 1);
            var times = new List<double>();
            // At least three products, then more until the time is up: the median needs a few, tiny shapes get many.
            var total = Stopwatch.StartNew();
            while (times.Count < 3 || total.Elapsed.TotalSeconds < secondsPerShape)
            {
                var clock = Stopwatch.StartNew();
                c.addmm_(a, b, beta: 0, alpha: 1); // C = A·B into a reused buffer (sgemm with β = 0)
                times.Add(clock.Elapsed.TotalSeconds);
                if (times.Count >= 1000) break;
            }
            times.Sort();
            rates.Add(new GemmRate(shape, times[times.Count / 2], times.Count));
        }
        return rates;
    }
}
