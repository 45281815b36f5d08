using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// <c>--version</c> of <c>ppkm</c> and <c>ppkm-serve</c>: the tool version, the git commit it was built from, ONNX Runtime,
/// any further components the tool names (TorchSharp for <c>ppkm</c>) and .NET, one per line.
/// </summary>
public sealed class ToolVersionAction : SynchronousCommandLineAction
{
    private readonly string _tool;
    private readonly IReadOnlyList<(string Name, string Version)> _components;

    private ToolVersionAction(string tool, IReadOnlyList<(string Name, string Version)> components)
    {
        _tool = tool;
        _components = components;
    }

    /// <summary>Makes the root command's <c>--version</c> print <see cref="Text"/>.</summary>
    /// <param name="root">The root command.</param>
    /// <param name="tool">The executable's name.</param>
    /// <param name="components">Further components and their versions, printed after ONNX Runtime.</param>
    public static void Install(RootCommand root, string tool, params (string Name, string Version)[] components)
    {
        ArgumentNullException.ThrowIfNull(root);
        var option = root.Options.OfType<VersionOption>().FirstOrDefault()
            ?? throw new InvalidOperationException("the root command has no --version option.");
        option.Action = new ToolVersionAction(tool, components);
    }

    /// <summary>The text <c>--version</c> prints.</summary>
    public static string Text(string tool, IEnumerable<(string Name, string Version)> components)
    {
        var lines = new List<string>
        {
            $"{tool} {ToolInfo.PackageVersion}",
            $"commit {ToolInfo.Commit ?? "unknown (built outside a git checkout)"}",
            $"ONNX Runtime {OnnxRuntimeVersion.Current()}",
        };
        lines.AddRange(components.Select(c => $"{c.Name} {c.Version}"));
        lines.Add(RuntimeInformation.FrameworkDescription);
        return string.Join('\n', lines) + "\n";
    }

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        (parseResult.InvocationConfiguration.Output ?? Console.Out).Write(Text(_tool, _components));
        return 0;
    }
}
