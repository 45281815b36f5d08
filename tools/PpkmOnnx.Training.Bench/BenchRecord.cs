using PpkmOnnx.Training.Performance;
using TorchSharp;

/// <summary>What every JSON-printing mode of this bench records the same way: the machine, and medians.</summary>
internal static class BenchRecord
{
    /// <summary>
    /// The CPU (<see cref="TrainingThroughput.CpuFacts"/>), torch's thread count, and the process facts every training record
    /// carries (<see cref="TrainingThroughput.ProcessFacts"/>: oneMKL's kernels, the heap mode, the peak resident memory).
    /// </summary>
    public static Dictionary<string, object?> Machine()
    {
        var machine = new Dictionary<string, object?>();
        foreach (var (key, value) in TrainingThroughput.CpuFacts()) machine[key] = value;
        machine["torch_threads"] = torch.get_num_threads();
        foreach (var (key, value) in TrainingThroughput.ProcessFacts()) machine[key] = value;
        return machine;
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
