using System.Numerics;
using System.Runtime.CompilerServices;
using PpkmOnnx.Training.Performance;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// libtorch's CPU dropout with the same masks, drawn in C#. libtorch 2.x fills the mask with <c>bernoulli_(1 − p)</c> one
/// element at a time on one thread under the generator's lock (its MKL path is compiled out), 7.5–13.5 ns an element here and a
/// fifth of a MiniLM training step at 32 × 64; this class steps the same Mersenne Twister (<see cref="TorchMersenneTwister"/>) in vectors
/// from the default generator's state, applies the same Bernoulli transform, scales by float32's 1/(1 − p) and stores the
/// generator's state back, so the output, its gradient and every later draw equal libtorch's bit for bit. It runs on the
/// calling thread: splitting the tempering and transform over libtorch's threads (<see cref="TorchThreadTeam"/>) between
/// the sequential regenerations made it slower here (1.6–2.1 against 1.2–1.5 ns an element).
/// </summary>
internal static unsafe class LibtorchDropout
{
    // A chunk's words (2 per element, 32 KB) stay in the L1 cache between the copy and the transform.
    private const int ChunkElements = 4096;
    private static readonly Generator DefaultGenerator = Generator.Default;

    /// <summary>
    /// <c>torch.nn.functional.dropout(x, p, training: true)</c>, computed as above for contiguous float32 CPU tensors with
    /// 0 &lt; p &lt; 1, and by libtorch itself otherwise (other types, devices and layouts, p at or outside the bounds, or a
    /// generator state this class does not know). Callers must not draw from torch's default generator on another thread
    /// meanwhile; libtorch's lock is not taken.
    /// </summary>
    public static Tensor Apply(Tensor x, double p)
    {
        if (!(p > 0 && p < 1) || x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || !x.is_contiguous() || x.numel() == 0)
            return nn.functional.dropout(x, p, true);
        var engine = TorchMersenneTwister.Load(DefaultGenerator);
        if (engine is null) return nn.functional.dropout(x, p, true);
        var mask = torch.empty(x.shape, dtype: ScalarType.Float32);
        Fill(engine, TensorMemory.Float32Address(mask), mask.numel(), 1 - p);
        engine.Store(DefaultGenerator);
        return x * mask;
    }

    /// <summary>
    /// Writes <paramref name="count"/> mask elements drawn from <paramref name="engine"/> as <c>bernoulli_(keep)</c> followed by
    /// <c>div_(keep)</c> would: each element takes two 32-bit outputs a, b; u = (((a ≪ 32) | b) mod 2⁵³)·2⁻⁵³ (libtorch's
    /// <c>uniform_real_distribution&lt;double&gt;</c>); the element is kept when u &lt; keep, and kept elements hold
    /// 1f / (float)keep. Chunk by chunk, the engine's state words are copied out in order, then tempered and turned into
    /// mask elements in one pass (tempering in a pass of its own made the draw 1.7 ns an element, against 1.2).
    /// </summary>
    internal static void Fill(TorchMersenneTwister engine, IntPtr mask, long count, double keep)
    {
        // u < keep ⇔ k < keep·2⁵³ for the 53-bit integer k = u·2⁵³; keep·2⁵³ is exact, so k < ⌈keep·2⁵³⌉.
        long limit = (long)Math.Ceiling(keep * 9007199254740992.0);
        float scale = 1f / (float)keep;
        var words = new uint[2 * ChunkElements];
        var target = (float*)mask;
        fixed (uint* pairs = words)
        {
            for (long start = 0; start < count; start += ChunkElements)
            {
                int elements = (int)Math.Min(ChunkElements, count - start);
                engine.FillUntempered(words.AsSpan(0, 2 * elements));
                TemperAndTransform(pairs, target + start, elements, limit, scale);
            }
        }
    }

    // Vector code is slow until tier-1 compiles it; full optimisation from the first call keeps short runs and benches honest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TemperAndTransform(uint* words, float* mask, int elements, long limit, float scale)
    {
        // Read as little-endian 64-bit words, the tempered pair i is v = a | (b ≪ 32), so k = ((v mod 2²¹) ≪ 32) | (v ≫ 32).
        int width = Vector<long>.Count, i = 0;
        var low21 = new Vector<ulong>((1UL << 21) - 1);
        var limits = new Vector<long>(limit);
        var kept = new Vector<float>(scale);
        for (; i + 2 * width <= elements; i += 2 * width)
        {
            var first = Vector.LessThan(Key(Tempered(words + 2 * i), low21), limits);
            var second = Vector.LessThan(Key(Tempered(words + 2 * i + 2 * width), low21), limits);
            Vector.ConditionalSelect(Vector.Narrow(first, second), kept, Vector<float>.Zero).Store(mask + i);
        }
        for (; i < elements; i++)
        {
            ulong v = TorchMersenneTwister.Temper(words[2 * i]) | ((ulong)TorchMersenneTwister.Temper(words[2 * i + 1]) << 32);
            long k = (long)(((v & ((1UL << 21) - 1)) << 32) | (v >> 32));
            mask[i] = k < limit ? scale : 0f;
        }
    }

    /// <summary>The tempered words at <paramref name="words"/> as pairs (one vector of 64-bit lanes).</summary>
    private static Vector<ulong> Tempered(uint* words) => Vector.AsVectorUInt64(TorchMersenneTwister.Temper(Vector.Load(words)));

    private static Vector<long> Key(Vector<ulong> v, Vector<ulong> low21) =>
        Vector.AsVectorInt64(Vector.ShiftLeft(v & low21, 32) | Vector.ShiftRightLogical(v, 32));
}
