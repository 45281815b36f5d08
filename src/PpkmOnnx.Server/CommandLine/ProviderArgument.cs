using PpkmOnnx.Core;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// The <c>--provider</c> value of the command-line tools (<c>ppkm predict</c>, <c>ppkm serve</c>, <c>ppkm-serve</c>): command-line
/// code, so it lives with <see cref="CommandLineHost"/> and may name the flag.
/// </summary>
public static class ProviderArgument
{
    /// <summary>Parses <c>auto</c>, <c>cuda</c> or <c>cpu</c> (case-insensitive).</summary>
    /// <exception cref="UserInputException">Anything else.</exception>
    public static ExecutionProviderPreference Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "auto" => ExecutionProviderPreference.Auto,
        "cuda" => ExecutionProviderPreference.Cuda,
        "cpu" => ExecutionProviderPreference.Cpu,
        _ => throw new UserInputException($"unknown --provider '{value}' (expected auto, cuda or cpu)."),
    };
}
