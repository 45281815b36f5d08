using System.Reflection;

namespace PpkmOnnx.Core.Platform;

/// <summary>
/// The one home of the tool's identity: its name, version and the git commit it was built from (the SDK puts
/// <c>0.1.0+&lt;commit&gt;</c> into every assembly's informational version; all projects share <c>$(Version)</c>).
/// </summary>
public static class ToolInfo
{
    /// <summary>The tool's name, as JSON artifacts record it.</summary>
    public const string Name = "ppkm";

    private static readonly string Informational =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The full version: <c>0.1.0+&lt;commit&gt;</c> when built from a git checkout, else <c>0.1.0</c>.</summary>
    public static string Version => Informational;

    /// <summary>The package version alone (<c>0.1.0</c>).</summary>
    public static string PackageVersion => Informational.Split('+')[0];

    /// <summary>The git commit the build came from, or null when it was built outside a git checkout.</summary>
    public static string? Commit => Informational.IndexOf('+') is var plus and >= 0 && plus + 1 < Informational.Length ? Informational[(plus + 1)..] : null;
}
