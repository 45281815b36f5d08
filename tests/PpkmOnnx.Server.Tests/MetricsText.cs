using System.Globalization;

namespace PpkmOnnx.Server.Tests;

/// <summary>Reads one sample out of Prometheus text exposition.</summary>
internal static class MetricsText
{
    public static double Value(string exposition, string name, string labelFragment)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.StartsWith('#')) continue;
            var rest = line[name.Length..];
            if (!(rest.StartsWith('{') || rest.StartsWith(' '))) continue;
            if (!line.Contains(labelFragment, StringComparison.Ordinal)) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        throw new Xunit.Sdk.XunitException($"no sample {name} with {labelFragment} in:\n{exposition}");
    }
}
