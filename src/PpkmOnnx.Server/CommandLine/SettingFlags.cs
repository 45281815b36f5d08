using System.CommandLine;
using System.Runtime.CompilerServices;
using PpkmOnnx.Core;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// Which flag of a command gave which library setting, so that an <see cref="InvalidSettingException"/> (library wording:
/// <c>MaxLength: must be …</c>) or a <see cref="SettingsAdviceException"/> (<c>Resume was given but …</c>) reaches the user
/// worded with the flag they typed (<c>--max-length: must be …</c>, <c>--resume was given but …</c>). A
/// setting finds its flag by name (<c>MaxLength</c> is <c>--max-length</c>) unless a command binds it to another
/// (<see cref="Bind"/>).
/// </summary>
public static class SettingFlags
{
    private static readonly ConditionalWeakTable<Command, Dictionary<string, Option[]>> Bound = new();

    /// <summary>
    /// Words <paramref name="setting"/> of errors from <paramref name="command"/>'s action as the first of
    /// <paramref name="options"/> the user gave, else the first (when several flags feed one setting, as <c>--port</c>
    /// and <c>--urls</c> feed the addresses).
    /// </summary>
    public static void Bind(Command command, string setting, params Option[] options)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (options is not { Length: > 0 }) throw new ArgumentException("give at least one option.", nameof(options));
        lock (Bound) Bound.GetOrCreateValue(command)[setting] = options;
    }

    /// <summary>
    /// The flag of <paramref name="setting"/> on the command that ran or a command above it: a bound one, else the option
    /// named (or aliased) like the setting in kebab case, by its name; the setting's own name when no option gave it.
    /// </summary>
    public static string FlagFor(ParseResult parseResult, string setting)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var kebab = "--" + KebabCase(setting);
        for (var r = parseResult.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            Option[]? bound = null;
            lock (Bound)
                if (Bound.TryGetValue(r.Command, out var flags)) flags.TryGetValue(setting, out bound);
            if (bound is not null) return (bound.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) ?? bound[0]).Name;
            if (r.Command.Options.FirstOrDefault(o => o.Name == kebab || o.Aliases.Contains(kebab)) is { } option) return option.Name;
        }
        return setting;
    }

    /// <summary>The message of <paramref name="e"/> with its settings worded as the flags of the command that ran.</summary>
    public static string Word(UserInputException e, ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Word(s => FlagFor(parseResult, s));
    }

    private static string KebabCase(string name)
    {
        var s = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) s.Append('-');
            s.Append(char.ToLowerInvariant(name[i]));
        }
        return s.ToString();
    }
}
