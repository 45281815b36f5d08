namespace PpkmOnnx.Core;

/// <summary>
/// Bad input the user can fix: a file, a field in it or an option value. Library code throws it (and only it) for
/// problems with what it was given, naming the file and field; the CLI prints its message as one line
/// (<c>ppkm: error: …</c>, exit code 2) and the server answers it with a 4xx. Every other exception is a bug. A problem
/// with one setting a caller gave is an <see cref="InvalidSettingException"/>, and a message that names settings elsewhere in
/// its text a <see cref="SettingsAdviceException"/>: a command line words both with its flags (<see cref="Word"/>).
/// </summary>
public class UserInputException : Exception
{
    /// <summary>A problem described by <paramref name="message"/>, which names what was wrong.</summary>
    public UserInputException(string message) : base(message) { }

    /// <summary>A problem described by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public UserInputException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>
    /// A problem with <paramref name="field"/> of the file at <paramref name="path"/>: the message reads
    /// <c>path: field: problem</c> (<c>path: problem</c> without a field).
    /// </summary>
    public UserInputException(string path, string? field, string problem, Exception? innerException = null)
        : base(field is null ? $"{path}: {problem}" : $"{path}: {field}: {problem}", innerException)
    {
        FilePath = path;
        Field = field;
    }

    /// <summary>The file the problem is in, when one was named (the (path, field, problem) constructor, or a subclass's).</summary>
    public string? FilePath { get; protected init; }

    /// <summary>The field (JSON key, column, option) the problem is in, when one was named.</summary>
    public string? Field { get; }

    /// <summary>
    /// The message with each setting it names worded by <paramref name="name"/> (a command line passes the flag that gave a
    /// setting). A plain problem names no setting: its <see cref="Exception.Message"/> as it is.
    /// </summary>
    public virtual string Word(Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Message;
    }
}
