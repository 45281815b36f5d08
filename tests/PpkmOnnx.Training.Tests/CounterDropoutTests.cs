using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="CounterDropout"/> (<c>--dropout counter</c>): its hash against values computed by an independent Python
/// implementation of the same definition, the Bernoulli statistics of its masks, reproducibility under torch's seed,
/// independence from the thread count, and the gradient autograd gives through it.
/// </summary>
public class CounterDropoutTests
{
    private const ulong Key = 0x0123456789ABCDEFUL;

    // From Python: mix = lowbias32 (x ^= x>>16; x *= 0x21f0aaad; x ^= x>>15; x *= 0x735a2d97; x ^= x>>15, all mod 2^32),
    // H(k, i) = mix(mix(i*0x9E3779B9 + (k mod 2^32)) ^ (k >> 32)).
    [Theory]
    [InlineData(0u, 3415583674u)]
    [InlineData(1u, 1561229727u)]
    [InlineData(3u, 96309097u)]
    [InlineData(70001u, 249286354u)]
    [InlineData(131072u, 3289314077u)]
    public void The_hash_matches_an_independent_implementation(uint index, uint expected) =>
        Assert.Equal(expected, CounterDropout.Hash(Key, index));

    [Fact]
    public void The_drop_threshold_is_p_times_two_to_the_32_rounded() =>
        Assert.Equal(429496730u, CounterDropout.Threshold(0.1)); // 0.1 · 4294967296 = 429496729.6

    [Fact]
    public void The_vector_and_scalar_loops_write_the_masks_the_definition_gives()
    {
        // Kept (1) or dropped (0) for indices 0..39 under Key at p = 0.1, from the Python implementation above: 40 elements
        // cover whole vectors (8 or 16 lanes) and a scalar tail.
        int[] kept = [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0];
        using var mask = torch.empty(kept.Length);
        CounterDropout.Fill(TensorMemory.Float32Address(mask), kept.Length, Key, 0.1, threads: 1);
        var scale = 1.0f / 0.9f; // 1.1111112f: float32's 1/(1 − p), as libtorch scales
        Assert.Equal(kept.Select(k => k * scale).ToArray(), mask.data<float>().ToArray());
    }

    [Fact]
    public void Masks_do_not_depend_on_the_thread_count_and_chunks_continue_the_index()
    {
        const int count = 150_001; // three 65,536-element chunks, the last one partial
        using var one = torch.empty(count);
        using var two = torch.empty(count);
        CounterDropout.Fill(TensorMemory.Float32Address(one), count, Key, 0.1, threads: 1);
        CounterDropout.Fill(TensorMemory.Float32Address(two), count, Key, 0.1, threads: 2);
        Assert.True(one.equal(two).all().item<bool>());
        // Python: H(Key, 65535) = 2988008420 (kept), H(Key, 70001) = 249286354 (< 429496730: dropped), H(Key, 150000) kept.
        var values = one.data<float>();
        Assert.Equal(1.0f / 0.9f, values[65535]);
        Assert.Equal(0f, values[70001]);
        Assert.Equal(1.0f / 0.9f, values[150000]);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void A_mask_drops_a_share_p_of_independent_elements(double p)
    {
        const int n = 1 << 20;
        using var mask = torch.empty(n);
        CounterDropout.Fill(TensorMemory.Float32Address(mask), n, 0xDEADBEEFCAFEF00DUL, p, threads: 2);
        var dropped = mask.data<float>().ToArray().Select(v => v == 0f ? 1.0 : 0.0).ToArray();
        double share = dropped.Average();
        double se = Math.Sqrt(p * (1 - p) / n); // binomial standard error: 0.00029 at p = 0.1
        Assert.InRange(share, p - 5 * se, p + 5 * se);
        // Neighbours (within a vector and across lanes) are uncorrelated: the lag-1 and lag-8 autocorrelations of the drop
        // indicator are 0 within 5 standard errors (1/√n).
        foreach (int lag in new[] { 1, 8, 16 })
        {
            double cov = 0;
            for (int i = 0; i + lag < n; i++) cov += (dropped[i] - share) * (dropped[i + lag] - share);
            double correlation = cov / (n - lag) / (share * (1 - share));
            Assert.InRange(correlation, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_masks_and_successive_calls_differ()
    {
        using var x = torch.ones(64, 128);
        torch.manual_seed(11);
        using var first = CounterDropout.Apply(x, 0.1);
        using var second = CounterDropout.Apply(x, 0.1);
        torch.manual_seed(11);
        using var again = CounterDropout.Apply(x, 0.1);
        Assert.True(first.equal(again).all().item<bool>());
        Assert.False(first.equal(second).all().item<bool>());
    }

    [Fact]
    public void The_gradient_is_the_incoming_gradient_times_the_mask()
    {
        torch.manual_seed(3);
        using var x = torch.randn(32, 48).requires_grad_(true);
        using var weights = torch.randn(32, 48);
        using var y = CounterDropout.Apply(x, 0.25);
        (y * weights).sum().backward();
        // y = x·m elementwise with m ∈ {0, 1/(1 − p)}: recover m from y and x, then d(Σ w·y)/dx = w·m.
        using var m = (y / x).detach();
        var values = m.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-5f, $"mask value {v}"));
        Assert.True(x.grad!.allclose(weights * m, rtol: 1e-6, atol: 1e-7));
    }

    [Fact]
    public void Probability_zero_is_the_identity_and_tensors_it_cannot_fill_take_libtorch_dropout()
    {
        using var x = torch.randn(8, 8);
        Assert.Same(x, CounterDropout.Apply(x, 0.0));
        using var doubles = torch.randn(8, 8, dtype: ScalarType.Float64);
        torch.manual_seed(5);
        using var expected = nn.functional.dropout(doubles, 0.3, true);
        torch.manual_seed(5);
        using var actual = CounterDropout.Apply(doubles, 0.3);
        Assert.True(expected.equal(actual).all().item<bool>());
    }
}
