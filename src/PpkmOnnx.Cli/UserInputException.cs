namespace PpkmOnnx.Cli;

/// <summary>A problem with what the user gave (file, option, data): printed as one line, exit code 2.</summary>
public sealed class UserInputException(string message) : Exception(message);
