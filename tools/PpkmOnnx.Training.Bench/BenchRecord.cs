using PpkmOnnx.Core.Platform;
using PpkmOnnx.Training.Performance;
using TorchSharp;

/// <summary>What every JSON-printing mode of this bench records the same way: the machine, and medians.</summary>
internal static class BenchRecord
{
    /// <summary>
    /// The CPU's model, vendor and instruction sets, torch's thread count, and the process facts every training record
    /// carries (<see cref="TrainingThroughput.ProcessFacts"/>: oneMKL's kernels, the heap mode, the peak resident memory).
    /// </summary>
    public static Dictionary<string, object?> Machine()
    {
        var cpu = CpuFeatures.Current;
        var machine = new Dictionary<string, object?>
        {
            ["cpu_model"] = cpu.ModelName, ["cpu_vendor"] = cpu.Vendor, ["isa"] = cpu.InstructionSets, ["torch_threads"] = torch.get_num_threads(),
        };
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
