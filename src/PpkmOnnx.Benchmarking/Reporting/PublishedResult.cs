namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>
/// One row of the paper's Table 1/Table 2 (Model, Accuracy, Precision, Recall, F1-Score, Running Time, Trainable
/// Params), shown beside our numbers. Scores are fractions in 0..1; running time and parameters are kept as printed.
/// </summary>
/// <param name="Model">Model name as the paper prints it.</param>
/// <param name="Accuracy">Accuracy, 0..1.</param>
/// <param name="Precision">Weighted precision, 0..1.</param>
/// <param name="Recall">Weighted recall, 0..1.</param>
/// <param name="F1Score">Weighted F1, 0..1.</param>
/// <param name="RunningTime">Running time as printed (e.g. "1h 12m"), or null.</param>
/// <param name="TrainableParameters">Trainable parameters as printed (e.g. "124M"), or null.</param>
/// <param name="Table">Which table of the paper ("Table 1"), or null.</param>
public sealed record PublishedResult(string Model, double Accuracy, double Precision, double Recall, double F1Score,
    string? RunningTime = null, string? TrainableParameters = null, string? Table = null);
