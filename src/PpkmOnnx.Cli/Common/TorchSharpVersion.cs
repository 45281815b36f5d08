namespace PpkmOnnx.Cli.Common;

/// <summary>The TorchSharp assembly version this build links (read from the assembly; libtorch is not loaded).</summary>
internal static class TorchSharpVersion
{
    public static string Current => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";
}
