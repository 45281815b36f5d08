namespace PpkmOnnx.Core;

/// <summary>
/// Bad input whose message names, anywhere in its text, settings a caller gave or could give (a conflict between a
/// setting and what is on disk, advice such as "lower LearningRate"). The message is composed from a function of a
/// naming rule: the library's own message names each setting by its name (<c>Resume was given but …</c>); a command
/// line words it with its flags through <see cref="Word"/> (<c>--resume was given but …</c>), so no library message
/// names a flag. Where the problem is one setting's value, <see cref="InvalidSettingException"/> says it more simply.
/// </summary>
public sealed class SettingsAdviceException : UserInputException
{
    private readonly Func<Func<string, string>, string> _compose;

    /// <summary>A problem whose message <paramref name="compose"/> writes, naming each setting through the function it is given.</summary>
    /// <param name="compose">
    /// Writes the message given a rule that turns a setting's library name (its options property, e.g. <c>Resume</c>) into
    /// the word to show; it must name settings only through that rule.
    /// </param>
    /// <param name="path">The file or folder the problem is in (<see cref="UserInputException.FilePath"/>), if the message names one.</param>
    /// <param name="innerException">The failure that showed the problem, if any.</param>
    public SettingsAdviceException(Func<Func<string, string>, string> compose, string? path = null, Exception? innerException = null)
        : base(Compose(compose), innerException)
    {
        _compose = compose;
        FilePath = path;
    }

    /// <summary>The message with each setting named by <paramref name="name"/> (a command line passes its flag for a setting).</summary>
    public override string Word(Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _compose(name);
    }

    private static string Compose(Func<Func<string, string>, string> compose)
    {
        ArgumentNullException.ThrowIfNull(compose);
        return compose(setting => setting);
    }
}
