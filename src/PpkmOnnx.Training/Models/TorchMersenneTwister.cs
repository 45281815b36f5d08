using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// libtorch's CPU generator (<c>at::mt19937</c>, the 32-bit Mersenne Twister) stepped in C#: loaded from a generator's
/// serialised state, advanced by bulk draws that equal what the same number of <c>engine_()</c> calls would return, and
/// stored back. The state tensor is <c>CPUGeneratorImplState</c>: the legacy TH record (initial seed, <c>left</c>,
/// <c>seeded</c>, <c>next</c>, the 624 state words widened to 64 bits, the normal-sample cache) and the float normal cache;
/// only <c>left</c>, <c>next</c> and the words change here, so the rest round-trips untouched.
/// </summary>
internal sealed unsafe class TorchMersenneTwister
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908b0dfu, UpperMask = 0x80000000u, LowerMask = 0x7fffffffu;

    // Offsets in CPUGeneratorImplState (x86-64 layout): uint64 the_initial_seed, int left, int seeded, uint64 next,
    // uint64 state[624], then the normal caches; 5,056 bytes in all.
    private const int LeftOffset = 8, NextOffset = 16, WordsOffset = 24;

    /// <summary>The size in bytes of the state tensor this class understands.</summary>
    public const int StateBytes = 5056;

    private readonly byte[] _state;
    private readonly uint[] _words = new uint[N];
    private int _left;
    private int _next;

    private TorchMersenneTwister(byte[] state) => _state = state;

    /// <summary>
    /// The engine in <paramref name="generator"/>'s current state, or null when the state is not the layout above (a
    /// libtorch whose generator serialises differently): callers then use libtorch's own kernels.
    /// </summary>
    public static TorchMersenneTwister? Load(Generator generator)
    {
        byte[] bytes;
        using (var state = generator.get_state())
        {
            if (state.dtype != ScalarType.Byte || state.numel() != StateBytes) return null;
            bytes = state.bytes.ToArray();
        }
        int left = MemoryMarshal.Read<int>(bytes.AsSpan(LeftOffset));
        long next = MemoryMarshal.Read<long>(bytes.AsSpan(NextOffset));
        // at::mt19937::is_valid's bounds, plus the invariant that the unread words are inside the array.
        if (left < 1 || left > N || next < 0 || next + left - 1 > N) return null;
        var engine = new TorchMersenneTwister(bytes) { _left = left, _next = (int)next };
        var words = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(WordsOffset, N * sizeof(ulong)));
        for (int i = 0; i < N; i++) engine._words[i] = (uint)words[i];
        return engine;
    }

    /// <summary>
    /// Writes this engine's position and words into <paramref name="generator"/>, with the seed and normal caches it was
    /// loaded with.
    /// </summary>
    public void Store(Generator generator)
    {
        var bytes = _state;
        MemoryMarshal.Write(bytes.AsSpan(LeftOffset), in _left);
        long next = _next;
        MemoryMarshal.Write(bytes.AsSpan(NextOffset), in next);
        var words = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan(WordsOffset, N * sizeof(ulong)));
        for (int i = 0; i < N; i++) words[i] = _words[i];
        using var updated = torch.tensor(bytes, ScalarType.Byte);
        generator.set_state(updated);
    }

    /// <summary>
    /// Fills <paramref name="output"/> with the state words the next that many <c>engine_()</c> calls would read, in order
    /// and before tempering: <see cref="Temper(uint)"/> of each is what the call returns. Tempering is left to the caller, to
    /// do in the same pass as whatever it makes of the outputs.
    /// </summary>
    // Vector code is slow until tier-1 compiles it; full optimisation from the first call keeps short runs and benches honest.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillUntempered(Span<uint> output)
    {
        while (!output.IsEmpty)
        {
            // A call first decrements left and regenerates the words when it reaches 0, then returns words[next++]:
            // left − 1 calls read words[next..] without regenerating.
            int ready = _left - 1;
            if (ready == 0)
            {
                Regenerate();
                _left = N + 1; // the regenerating call's decrement already happened: N calls read words[0..N).
                _next = 0;
                ready = N;
            }
            int take = Math.Min(ready, output.Length);
            _words.AsSpan(_next, take).CopyTo(output);
            _next += take;
            _left -= take;
            output = output[take..];
        }
    }

    /// <summary>The Mersenne Twister's tempering of one state word: what <c>engine_()</c> returns for it.</summary>
    public static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary><see cref="Temper(uint)"/> of every lane.</summary>
    public static Vector<uint> Temper(Vector<uint> y)
    {
        y ^= Vector.ShiftRightLogical(y, 11);
        y ^= Vector.ShiftLeft(y, 7) & new Vector<uint>(0x9d2c5680u);
        y ^= Vector.ShiftLeft(y, 15) & new Vector<uint>(0xefc60000u);
        return y ^ Vector.ShiftRightLogical(y, 18);
    }

    /// <summary>
    /// <c>at::mt19937::next_state</c>: word i becomes word i + M (mod N, the new value where it was already replaced)
    /// xor the twist of words i and i + 1. A vector of words reads i + 1.. before it stores i.., and reads words at
    /// i − (N − M) that an earlier vector already replaced, so vectors no wider than N − M keep the scalar order's results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Regenerate()
    {
        fixed (uint* s = _words)
        {
            int width = Vector<uint>.Count, i = 0;
            for (; i + width <= N - M; i += width) Vector.Store(Vector.Load(s + i + M) ^ Twist(Vector.Load(s + i), Vector.Load(s + i + 1)), s + i);
            for (; i < N - M; i++) s[i] = s[i + M] ^ Twist(s[i], s[i + 1]);
            for (; i + width <= N - 1; i += width) Vector.Store(Vector.Load(s + i + M - N) ^ Twist(Vector.Load(s + i), Vector.Load(s + i + 1)), s + i);
            for (; i < N - 1; i++) s[i] = s[i + M - N] ^ Twist(s[i], s[i + 1]);
            s[N - 1] = s[M - 1] ^ Twist(s[N - 1], s[0]);
        }
    }

    private static uint Twist(uint u, uint v) => (((u & UpperMask) | (v & LowerMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0u);

    private static Vector<uint> Twist(Vector<uint> u, Vector<uint> v)
    {
        var mixed = Vector.ShiftRightLogical((u & new Vector<uint>(UpperMask)) | (v & new Vector<uint>(LowerMask)), 1);
        var odd = Vector.Equals(v & Vector<uint>.One, Vector<uint>.One);
        return mixed ^ (odd & new Vector<uint>(MatrixA));
    }
}
