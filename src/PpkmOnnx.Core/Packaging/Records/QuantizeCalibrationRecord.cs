namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>A static-int8 variant's <c>calibration</c> in quantize.json: how activation ranges were measured.</summary>
public sealed record QuantizeCalibrationRecord
{
    /// <summary><c>method</c>: MinMax, Percentile, ….</summary>
    public required string Method { get; init; }
    /// <summary><c>percentile</c>: the percentile kept, for the Percentile method; else null.</summary>
    public required double? Percentile { get; init; }
    /// <summary><c>texts</c>: calibration texts run.</summary>
    public required int Texts { get; init; }
    /// <summary><c>texts_requested</c>: calibration texts asked for (more than available are clamped to <see cref="Texts"/>).</summary>
    public required int TextsRequested { get; init; }
    /// <summary><c>activations</c>: int8 or uint8.</summary>
    public required string Activations { get; init; }
}
