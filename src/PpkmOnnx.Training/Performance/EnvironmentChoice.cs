using PpkmOnnx.Core;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// An environment variable that picks one value of an enum by its lower-cased name (<c>PPKM_MKL_KERNELS</c>,
/// <c>PPKM_MALLOC</c>): case and surrounding blanks do not matter, unset or empty means the enum's first value (the
/// default), anything else is refused with the choices named.
/// </summary>
internal static class EnvironmentChoice
{
    /// <summary>The value <paramref name="text"/> spells for <paramref name="variable"/>.</summary>
    /// <exception cref="InvalidSettingException">A spelling that is none of the enum's names.</exception>
    public static TEnum Parse<TEnum>(string variable, string? text) where TEnum : struct, Enum
    {
        var values = Enum.GetValues<TEnum>();
        string wanted = text?.Trim() ?? "";
        if (wanted.Length == 0) return values[0];
        foreach (var value in values)
            if (string.Equals(Spell(value), wanted, StringComparison.OrdinalIgnoreCase)) return value;
        var names = values.Select(Spell).ToList();
        throw new InvalidSettingException(variable, $"expected {string.Join(", ", names[..^1])} or {names[^1]}, got '{text}'.");
    }

    /// <summary>How the variable spells <paramref name="value"/>: its name in lower case.</summary>
    public static string Spell<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();
}
