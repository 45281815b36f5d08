using System.Numerics;
using System.Runtime.CompilerServices;
using PpkmOnnx.Training.Performance;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// Dropout whose mask comes from a counter-based hash instead of libtorch's <c>bernoulli_</c>, which costs about 10 ns an
/// element on CPU and was a third of a MiniLM training step. Element i of a call keyed by k is kept when
/// <c>H(k, i) ≥ round(p·2³²)</c>, with H two rounds of Wellons' <c>lowbias32</c> mixer; kept elements are scaled by
/// 1/(1 − p) as libtorch does. The key is one int64 drawn from torch's default generator per call, so
/// <c>torch.manual_seed</c> fixes every mask and a resume point that restores the generator continues the same masks.
/// Every element is independent of the thread that computed it: results do not depend on the thread count. Since
/// <see cref="LibtorchDropout"/> draws the default's masks in C# too, this kernel's remaining edge is that its fill runs
/// on every torch thread where the Mersenne Twister is one sequential stream.
/// </summary>
internal static unsafe class CounterDropout
{
    private const int ChunkElements = 1 << 16;

    /// <summary>
    /// <paramref name="x"/> with dropout probability <paramref name="p"/> applied (identity when <paramref name="p"/> is 0);
    /// the product with a constant mask, so autograd's gradient is the incoming gradient times the same mask. Tensors that
    /// are not float32 on the CPU, or have 2³² elements or more, take libtorch's dropout.
    /// </summary>
    public static Tensor Apply(Tensor x, double p)
    {
        if (p <= 0) return x;
        if (p >= 1) return x * 0;
        if (x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || x.numel() >= 1L << 32)
            return nn.functional.dropout(x, p, true);
        ulong key = (ulong)torch.randint(long.MinValue, long.MaxValue, new long[] { 1 }, dtype: ScalarType.Int64).item<long>();
        var mask = torch.empty(x.shape, dtype: ScalarType.Float32);
        Fill(TensorMemory.Float32Address(mask), mask.numel(), key, p, torch.get_num_threads());
        return x * mask;
    }

    /// <summary>Writes the mask of a call keyed by <paramref name="key"/>: 0 for dropped elements, 1/(1 − p) for kept ones.</summary>
    internal static void Fill(IntPtr mask, long count, ulong key, double p, int threads)
    {
        uint threshold = Threshold(p);
        float scale = (float)(1.0 / (1.0 - p));
        TorchThreadTeam.For(count, ChunkElements, threads, (start, end) => FillRange((float*)mask, start, end - start, key, threshold, scale));
    }

    /// <summary>The drop threshold: p·2³² rounded, so P(H &lt; threshold) equals p to within 2⁻³³.</summary>
    internal static uint Threshold(double p) => (uint)Math.Min(uint.MaxValue, Math.Round(p * 4294967296.0));

    /// <summary>The hash of element <paramref name="index"/> under <paramref name="key"/> (the scalar definition the vector loop follows).</summary>
    internal static uint Hash(ulong key, uint index)
    {
        uint h = Mix(index * 0x9E3779B9u + (uint)key);
        return Mix(h ^ (uint)(key >> 32));
    }

    private static uint Mix(uint x)
    {
        // lowbias32 (Chris Wellons, hash-prospector): a bijective 32-bit mixer with low avalanche bias.
        x ^= x >> 16;
        x *= 0x21f0aaadu;
        x ^= x >> 15;
        x *= 0x735a2d97u;
        x ^= x >> 15;
        return x;
    }

    private static Vector<uint> Mix(Vector<uint> x)
    {
        x ^= Vector.ShiftRightLogical(x, 16);
        x *= new Vector<uint>(0x21f0aaadu);
        x ^= Vector.ShiftRightLogical(x, 15);
        x *= new Vector<uint>(0x735a2d97u);
        x ^= Vector.ShiftRightLogical(x, 15);
        return x;
    }

    // Vector code is slow until tier-1 compiles it; full optimisation from the first call keeps short runs and benches honest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillRange(float* mask, long start, long count, ulong key, uint threshold, float scale)
    {
        int width = Vector<uint>.Count;
        Span<uint> lanes = stackalloc uint[width];
        for (int j = 0; j < width; j++) lanes[j] = (uint)j;
        var laneOffsets = new Vector<uint>(lanes);
        var golden = new Vector<uint>(0x9E3779B9u);
        var keyLow = new Vector<uint>((uint)key);
        var keyHigh = new Vector<uint>((uint)(key >> 32));
        var limit = new Vector<uint>(threshold);
        var kept = new Vector<float>(scale);
        long i = 0;
        for (; i + width <= count; i += width)
        {
            var index = new Vector<uint>((uint)(start + i)) + laneOffsets;
            var h = Mix(Mix(index * golden + keyLow) ^ keyHigh);
            Vector.ConditionalSelect(Vector.AsVectorInt32(Vector.GreaterThanOrEqual(h, limit)), kept, Vector<float>.Zero).Store(mask + i + start);
        }
        for (; i < count; i++)
            mask[start + i] = Hash(key, (uint)(start + i)) >= threshold ? scale : 0f;
    }
}
