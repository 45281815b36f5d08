using System.Globalization;
using PpkmOnnx.Core;
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

    /// <summary>Parses a batch-size list such as <c>1,8,32,128</c>.</summary>
    /// <exception cref="ArgumentException">An entry that is not an integer ≥ 1.</exception>
    public static IReadOnlyList<int> ParseBatchSizes(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sizes = new List<int>();
        foreach (var raw in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new UserInputException($"batch size '{raw}' is not an integer ≥ 1 (expected e.g. 1,8,32,128).");
            if (!sizes.Contains(n)) sizes.Add(n);
        }
        return sizes;
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
