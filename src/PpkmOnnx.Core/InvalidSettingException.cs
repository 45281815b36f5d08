namespace PpkmOnnx.Core;

/// <summary>
/// Bad input in one setting a caller gave (an options property such as <c>Limit</c> or a value such as a label
/// mapping), in the library's words: <see cref="Setting"/> names the setting, <see cref="Problem"/> says what is wrong
/// with it. The message reads <c>Setting: problem</c>; a command line that took the setting from a flag words it with the
/// flag instead (<c>--limit: problem</c>), so no library message names a flag.
/// </summary>
public sealed class InvalidSettingException : UserInputException
{
    /// <summary>A problem with <paramref name="setting"/>; <paramref name="related"/> are settings that belong to the fix.</summary>
    /// <param name="setting">The setting's name in the library (its options property, e.g. <c>MaxLength</c>).</param>
    /// <param name="problem">What is wrong, without the setting's name (e.g. <c>must be positive, got 0.</c>).</param>
    /// <param name="related">Other settings the fix involves (named after the problem).</param>
    public InvalidSettingException(string setting, string problem, params string[] related)
        : this(setting, problem, null, related)
    {
    }

    /// <summary>A problem with <paramref name="setting"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="setting">The setting's name in the library (its options property, e.g. <c>MaxLength</c>).</param>
    /// <param name="problem">What is wrong, without the setting's name (e.g. <c>must be positive, got 0.</c>).</param>
    /// <param name="innerException">The failure that showed the problem.</param>
    /// <param name="related">Other settings the fix involves (named after the problem).</param>
    public InvalidSettingException(string setting, string problem, Exception? innerException, params string[] related)
        : base(Word(setting, problem, related), innerException)
    {
        Setting = setting;
        Problem = problem;
        Related = related;
    }

    /// <summary>The setting's name in the library.</summary>
    public string Setting { get; }

    /// <summary>What is wrong with it, without its name.</summary>
    public string Problem { get; }

    /// <summary>Other settings the fix involves; empty when none.</summary>
    public IReadOnlyList<string> Related { get; }

    /// <summary>
    /// The message with each setting named by <paramref name="name"/> (a command line passes its flag for a setting):
    /// <c>NAME: problem</c>, ending <c>(see NAME, NAME).</c> when there are related settings.
    /// </summary>
    public override string Word(Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Word(name(Setting), Problem, Related.Select(name).ToArray());
    }

    private static string Word(string setting, string problem, IReadOnlyList<string> related) =>
        related.Count == 0 ? $"{setting}: {problem}" : $"{setting}: {problem.TrimEnd('.')} (see {string.Join(", ", related)}).";
}
