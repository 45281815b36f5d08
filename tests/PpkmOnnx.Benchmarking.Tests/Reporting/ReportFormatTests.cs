using PpkmOnnx.Benchmarking.Reporting;

namespace PpkmOnnx.Benchmarking.Tests.Reporting;

public sealed class ReportFormatTests
{
    [Theory]
    [InlineData(0.0012, "+0.12 pp")]
    [InlineData(-0.0012, "−0.12 pp")]
    [InlineData(-0.0000066, "+0.00 pp")] // prune.json's keep-75 % drop: 0.00066 points lost, too small to show a sign
    [InlineData(-0.00006, "−0.01 pp")]
    [InlineData(0.0, "+0.00 pp")]
    public void Points_delta_takes_its_sign_after_rounding(double fraction, string expected) =>
        Assert.Equal(expected, ReportFormat.PointsDelta(fraction));
}
