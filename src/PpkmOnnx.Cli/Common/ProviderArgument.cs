using PpkmOnnx.Core;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Cli.Common;

/// <summary>The <c>--provider</c> value of <c>predict</c> and <c>serve</c>.</summary>
internal static class ProviderArgument
{
    /// <summary>Parses <c>auto</c>, <c>cuda</c> or <c>cpu</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Anything else.</exception>
    public static ExecutionProviderPreference Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => ExecutionProviderPreference.Auto,
        "cuda" => ExecutionProviderPreference.Cuda,
        "cpu" => ExecutionProviderPreference.Cpu,
        _ => throw new UserInputException($"unknown --provider '{value}' (expected auto, cuda or cpu)."),
    };
}
