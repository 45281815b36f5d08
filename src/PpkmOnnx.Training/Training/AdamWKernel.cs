using System.Numerics;
using System.Runtime.CompilerServices;
using PpkmOnnx.Training.Performance;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// AdamW's whole update for float32 CPU buffers in one pass: each element's gradient, value and both moments are read
/// once and written once, where libtorch's in-place ops would make eight passes over memory. The arithmetic follows
/// TorchSharp's <c>AdamW.step</c> op by op in float32 (scalars rounded to float as libtorch does for float tensors), so
/// the two agree to rounding.
/// </summary>
internal static unsafe class AdamWKernel
{
    /// <summary>The per-step constants, all in the buffers' precision.</summary>
    /// <param name="GradScale">Gradient-clipping factor (1 when no clipping applies).</param>
    /// <param name="Decay">1 − lr·weight decay.</param>
    /// <param name="Beta1">β1.</param>
    /// <param name="OneMinusBeta1">1 − β1.</param>
    /// <param name="Beta2">β2.</param>
    /// <param name="OneMinusBeta2">1 − β2.</param>
    /// <param name="SqrtBiasCorrection2">√(1 − β2^t).</param>
    /// <param name="Eps">ε, added outside the square root.</param>
    /// <param name="NegativeStepSize">−lr / (1 − β1^t).</param>
    public readonly record struct Coefficients(float GradScale, float Decay, float Beta1, float OneMinusBeta1, float Beta2,
        float OneMinusBeta2, float SqrtBiasCorrection2, float Eps, float NegativeStepSize);

    private const int ChunkElements = 1 << 15;

    /// <summary>
    /// Updates <paramref name="count"/> elements in place, split over <paramref name="threads"/> of libtorch's threads
    /// (<see cref="TorchThreadTeam"/>).
    /// </summary>
    public static void Update(IntPtr values, IntPtr gradients, IntPtr expAvg, IntPtr expAvgSq, long count, Coefficients c, int threads) =>
        TorchThreadTeam.For(count, ChunkElements, threads, (start, end) =>
            UpdateRange((float*)values + start, (float*)gradients + start, (float*)expAvg + start, (float*)expAvgSq + start, end - start, c));

    // Vector code is slow until tier-1 compiles it; full optimisation from the first call keeps short runs and benches honest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateRange(float* p, float* g, float* m, float* v, long count, Coefficients c)
    {
        long i = 0;
        int width = Vector<float>.Count;
        var scale = new Vector<float>(c.GradScale);
        var decay = new Vector<float>(c.Decay);
        var beta1 = new Vector<float>(c.Beta1);
        var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
        var beta2 = new Vector<float>(c.Beta2);
        var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
        var sqrtBc2 = new Vector<float>(c.SqrtBiasCorrection2);
        var eps = new Vector<float>(c.Eps);
        var negStep = new Vector<float>(c.NegativeStepSize);
        for (; i + width <= count; i += width)
        {
            var gi = Vector.Load(g + i) * scale;
            var mi = Vector.Load(m + i) * beta1 + gi * oneMinusBeta1;
            var vi = Vector.Load(v + i) * beta2 + oneMinusBeta2 * gi * gi;
            var denom = Vector.SquareRoot(vi) / sqrtBc2 + eps;
            var pi = Vector.Load(p + i) * decay;
            (negStep * mi / denom + pi).Store(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
        }
        for (; i < count; i++)
        {
            float gi = g[i] * c.GradScale;
            float mi = m[i] * c.Beta1 + gi * c.OneMinusBeta1;
            float vi = v[i] * c.Beta2 + c.OneMinusBeta2 * gi * gi;
            float denom = MathF.Sqrt(vi) / c.SqrtBiasCorrection2 + c.Eps;
            p[i] = c.NegativeStepSize * mi / denom + p[i] * c.Decay;
            m[i] = mi;
            v[i] = vi;
        }
    }
}
