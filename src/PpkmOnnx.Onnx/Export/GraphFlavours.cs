using PpkmOnnx.Core;

namespace PpkmOnnx.Onnx.Export;

/// <summary>Names and parsing of <see cref="GraphFlavour"/>.</summary>
public static class GraphFlavours
{
    /// <summary>The flavour's name as written to metadata and export.json: <c>standard</c> or <c>fused</c>.</summary>
    public static string Name(GraphFlavour flavour) => flavour == GraphFlavour.Fused ? "fused" : "standard";

    /// <summary>Parses <c>standard</c> or <c>fused</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static GraphFlavour Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "standard" => GraphFlavour.Standard,
        "fused" => GraphFlavour.Fused,
        _ => throw new UserInputException($"unknown graph flavour '{name}' (expected standard or fused)."),
    };
}
