using System.Globalization;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>Parsers for the command-line spellings of bench options (so every front end reads them alike).</summary>
public static class BenchmarkArguments
{
    /// <summary>
    /// Parses a sequence list such as <c>32,64,128,data</c> into fixed lengths and whether the "data" shape is wanted.
    /// </summary>
    /// <exception cref="ArgumentException">An entry that is neither an integer ≥ 2 nor <c>data</c>, or an empty list.</exception>
    public static (IReadOnlyList<int> Lengths, bool IncludeData) ParseSequences(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var lengths = new List<int>();
        bool data = false;
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(raw, BenchmarkRunner.DataSequence, StringComparison.OrdinalIgnoreCase)) data = true;
            else if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 2) { if (!lengths.Contains(n)) lengths.Add(n); }
            else throw new UserInputException($"sequence '{raw}' is neither a length ≥ 2 nor 'data' (expected e.g. 32,64,128,data).");
        }
        if (lengths.Count == 0 && !data) throw new UserInputException("the sequence list is empty (expected e.g. 32,64,128,data).");
        return (lengths, data);
    }

    /// <summary>The largest batch size timed: predict and the trainers cap theirs there too, and a batch of 100,000 texts
    /// would exhaust the memory of the machines this runs on before it measured anything.</summary>
    public const int MaxBatchSize = 4096;

    /// <summary>Parses a batch-size list such as <c>1,8,32,128</c>.</summary>
    /// <exception cref="UserInputException">An entry that is not an integer in 1..<see cref="MaxBatchSize"/>.</exception>
    public static IReadOnlyList<int> ParseBatchSizes(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sizes = new List<int>();
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > MaxBatchSize)
                throw new UserInputException($"batch size '{raw}' is not an integer in 1..{MaxBatchSize} (expected e.g. 1,8,32,128).");
            if (!sizes.Contains(n)) sizes.Add(n);
        }
        return sizes;
    }

    /// <summary>Parses a variant list such as <c>fp32,int8</c> (<see cref="ModelPackageLayout.ParseVariant"/> names).</summary>
    /// <exception cref="UserInputException">An unknown name, or an empty list.</exception>
    public static IReadOnlyList<ModelVariant> ParseVariants(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var variants = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ModelPackageLayout.ParseVariant).ToList();
        if (variants.Count == 0) throw new UserInputException("the variant list is empty (expected e.g. fp32,int8).");
        return variants;
    }

    /// <summary>Parses <c>auto</c>, <c>cuda</c> or <c>cpu</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static ExecutionProviderPreference ParseProvider(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => ExecutionProviderPreference.Auto,
        "cuda" or "gpu" => ExecutionProviderPreference.Cuda,
        "cpu" => ExecutionProviderPreference.Cpu,
        _ => throw new UserInputException($"unknown execution provider '{name}' (expected auto, cuda or cpu)."),
    };
}
