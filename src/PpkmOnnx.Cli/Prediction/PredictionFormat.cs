namespace PpkmOnnx.Cli.Prediction;

/// <summary>The file format <c>ppkm predict</c> writes.</summary>
internal enum PredictionFormat
{
    /// <summary>Comma-separated, RFC 4180 quoting, header row.</summary>
    Csv,
    /// <summary>Tab-separated, same quoting, header row.</summary>
    Tsv,
    /// <summary>One JSON object per row.</summary>
    JsonLines,
}
