using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Tests.Metrics;

public class ClassScoresTests
{
    [Theory]
    [InlineData(new float[] { 0.1f, 2.5f, -1f }, 1)]
    [InlineData(new float[] { 3f, 3f, 1f }, 0)]        // ties: the first, as numpy
    [InlineData(new float[] { -5f, -2f, -2f }, 1)]
    [InlineData(new float[] { 0f, float.NaN, 1f }, 2)] // NaN compares false: it is never taken over the best so far…
    [InlineData(new float[] { float.NaN, 1f, 0f }, 0)] // …and nothing is taken over a leading NaN
    [InlineData(new float[] { 7f }, 0)]
    public void ArgMax_is_the_first_largest(float[] values, int expected)
    {
        Assert.Equal(expected, ClassScores.ArgMax(values));
        Assert.Equal(expected, ClassScores.ArgMax(values.Select(v => (double)v).ToArray()));
    }

    [Fact]
    public void Softmax_matches_hand_computed_probabilities_and_survives_large_logits()
    {
        // logits (0, ln 2, ln 5): e^l = 1, 2, 5 → 1/8, 2/8, 5/8.
        var p = ClassScores.Softmax([0f, MathF.Log(2), MathF.Log(5)]);
        Assert.Equal(0.125f, p[0], 6);
        Assert.Equal(0.25f, p[1], 6);
        Assert.Equal(0.625f, p[2], 6);
        // Shifted by 1000: exp(1000) overflows, the max-subtracted form does not; the result is the same.
        var shifted = ClassScores.Softmax([1000f, 1000f + MathF.Log(3)]);
        Assert.Equal(0.25f, shifted[0], 4);
        Assert.Equal(0.75f, shifted[1], 4);
        Assert.Throws<ArgumentException>(() => ClassScores.Softmax([]));
    }
}
