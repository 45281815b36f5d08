using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace PpkmOnnx.Server.CommandLine;

/// <summary>
/// Numeric options are checked when the command line is parsed: finite and within a sane range, or a one-line parse error
/// naming the option. Every numeric option of ppkm and ppkm-serve must declare its range (<see cref="InRange{T}(Option{T}, T, T)"/>);
/// <see cref="RequireRanges"/> refuses to build a command tree where one does not.
/// </summary>
public static class OptionRules
{
    /// <summary>Threads or parallel runs: more than this is a typo, not a machine.</summary>
    public const int MaxThreads = 256;

    /// <summary>Accepts values of <paramref name="option"/> from <paramref name="min"/> to <paramref name="max"/> (NaN and ∞ never).</summary>
    public static Option<T> InRange<T>(this Option<T> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (Converted<T>(result) is { } value) Check(result, option.Name, value, min, max);
        });
        return option;
    }

    /// <summary>Accepts values of <paramref name="option"/>, when given, from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, T min, T max) where T : struct, INumber<T>
    {
        option.Validators.Add(result =>
        {
            if (Converted<T>(result) is { } value) Check(result, option.Name, value, min, max);
        });
        return option;
    }

    /// <summary>Throws when a numeric option anywhere under <paramref name="root"/> declares no range: a rule for the tools' own code.</summary>
    /// <exception cref="InvalidOperationException">A numeric option without a validator.</exception>
    public static void RequireRanges(Command root)
    {
        foreach (var command in Walk(root))
            foreach (var option in command.Options)
                if (IsNumeric(option.ValueType) && option.Validators.Count == 0)
                    throw new InvalidOperationException($"{command.Name} {option.Name}: numeric option without a range (use OptionRules.InRange).");
    }

    /// <summary>
    /// Refuses <paramref name="option"/> when it was typed on the command line but cannot apply to this run
    /// (<paramref name="applies"/> false): an option silently ignored lets a user believe it took effect.
    /// </summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="option">The option to check.</param>
    /// <param name="applies">Whether it applies to this run.</param>
    /// <param name="when">When it does apply, in words that finish "applies only …" (e.g. "with --mode static").</param>
    /// <exception cref="Core.UserInputException">The option was given where it does not apply.</exception>
    public static void RefuseInapplicable(ParseResult parseResult, Option option, bool applies, string when)
    {
        if (!applies && parseResult.GetResult(option) is { Implicit: false })
            throw new Core.UserInputException($"{option.Name} applies only {when}; it would be ignored here.");
    }

    /// <summary>
    /// Refuses an empty or blank value of every <c>--output</c> option under <paramref name="root"/> when the command line is
    /// parsed: <c>-o ''</c> names no file or folder (.NET would read it as the current folder, or throw), so it is a one-line
    /// parse error for every command alike.
    /// </summary>
    public static void RefuseEmptyOutputs(Command root)
    {
        foreach (var command in Walk(root))
            foreach (var option in command.Options)
                if (option.Name == OutputOptionName && (option.ValueType == typeof(string) || option.ValueType == typeof(string[])))
                    option.Validators.Add(result =>
                    {
                        if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                            result.AddError($"{OutputOptionName} must name a file or folder, got an empty path.");
                    });
    }

    /// <summary>The name of the output option <see cref="RefuseEmptyOutputs"/> checks (alias <c>-o</c>).</summary>
    public const string OutputOptionName = "--output";

    // The value, or null when the option is absent or its text is not a number (the parser reports that error itself).
    private static T? Converted<T>(OptionResult result) where T : struct
    {
        try
        {
            return result.Option.ValueType == typeof(T?) ? result.GetValueOrDefault<T?>() : result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static void Check<T>(OptionResult result, string name, T value, T min, T max) where T : struct, INumber<T>
    {
        // NaN fails both comparisons; ±∞ fails one of them for any finite bounds.
        if (value >= min && value <= max) return;
        var got = result.Tokens.Count > 0 ? result.Tokens[^1].Value : value.ToString(null, CultureInfo.InvariantCulture);
        result.AddError($"{name} must be {(typeof(T) == typeof(double) || typeof(T) == typeof(float) ? "a finite number " : "")}from {Format(min)} to {Format(max)}, got {got}.");
    }

    private static string Format<T>(T value) where T : INumber<T> => value.ToString(null, CultureInfo.InvariantCulture);

    private static bool IsNumeric(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float);
    }

    private static IEnumerable<Command> Walk(Command command)
    {
        yield return command;
        foreach (var sub in command.Subcommands)
            foreach (var c in Walk(sub)) yield return c;
    }
}
