namespace PpkmOnnx.Core.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014; the seeding generator of xoshiro): a tiny PRNG fully specified here, so a
/// seed gives the same shuffles on every machine and .NET version (System.Random promises no such thing for its algorithm).
/// </summary>
public sealed class SplitMix64
{
    private ulong _state;

    private SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator seeded with <paramref name="seed"/> and a stream id, so different uses of one seed do not correlate.</summary>
    public static SplitMix64 Create(long seed, ulong stream = 0) => new(unchecked((ulong)seed ^ (stream * 0xD1B54A32D192ED03UL)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-shift with rejection (unbiased).</summary>
    public int NextInt(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), "bound must be positive.");
        ulong b = (ulong)bound;
        ulong threshold = (0UL - b) % b;
        while (true)
        {
            UInt128 m = (UInt128)NextUInt64() * b;
            if ((ulong)m >= threshold) return (int)(ulong)(m >> 64);
        }
    }

    /// <summary>Fisher–Yates shuffle in place (from the last element down).</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
