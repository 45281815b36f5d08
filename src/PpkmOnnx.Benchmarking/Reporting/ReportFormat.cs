using System.Globalization;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>Number formatting of the report (invariant culture throughout).</summary>
internal static class ReportFormat
{
    public const string Missing = "—";

    /// <summary>A 0..1 score as a percentage with two decimals: 0.91234 → "91.23%".</summary>
    public static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : Missing;

    /// <summary>
    /// A difference of two 0..1 scores in percentage points, signed: "+0.12 pp". The sign is taken after rounding, so a
    /// difference too small to show reads "+0.00 pp", never "−0.00 pp".
    /// </summary>
    public static string PointsDelta(double? fraction)
    {
        if (fraction is not { } f) return Missing;
        double points = Math.Round(f * 100, 2);
        return (points >= 0 ? "+" : "−") + Math.Abs(points).ToString("0.00", CultureInfo.InvariantCulture) + " pp";
    }

    /// <summary>Milliseconds with precision that suits their size.</summary>
    public static string Milliseconds(double? ms) => ms is { } m
        ? m.ToString(m >= 100 ? "0.0" : m >= 1 ? "0.00" : "0.000", CultureInfo.InvariantCulture) : Missing;

    /// <summary>A rate or ratio with one or two decimals.</summary>
    public static string Number(double? value, string format = "0.0") => value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : Missing;

    /// <summary>Bytes as megabytes (10^6), two decimals.</summary>
    public static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators: 109482240 → "109,482,240".</summary>
    public static string Count(long? count) => count is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : Missing;

    /// <summary>Seconds as "1h 02m 03s", "2m 03s" or "4.2s".</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s || !double.IsFinite(s)) return Missing;
        if (s < 60) return s.ToString("0.0", CultureInfo.InvariantCulture) + "s";
        var t = TimeSpan.FromSeconds(Math.Round(s));
        return t.TotalHours >= 1
            ? $"{(int)t.TotalHours}h {t.Minutes:00}m {t.Seconds:00}s"
            : $"{t.Minutes}m {t.Seconds:00}s";
    }

    /// <summary>A safe file-name stem: letters, digits and '-' only.</summary>
    public static string Stem(string text)
    {
        var chars = text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var stem = string.Join("-", new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return stem.Length == 0 ? "chart" : stem;
    }
}
