namespace PpkmOnnx.Core.Checkpoints;

/// <summary>
/// The rule that a command's output never replaces what the command reads. An output that is one of its inputs, a folder
/// output (replaced as a whole when it lands, or cleared by <c>--force</c>) that holds an input, or a file output (or a
/// folder of them: a checkpoint, bench.json's folder) written into an input folder (a model package) would destroy or
/// change that input the moment the output lands. Paths are compared after
/// following symbolic links, so another spelling of the same file is the same file.
/// </summary>
public static class OutputOverlap
{
    /// <summary>Refuses a file output that is one of <paramref name="inputs"/> or lies inside an input folder.</summary>
    /// <param name="output">The output file as the user gave it.</param>
    /// <param name="inputs">The command's input files and folders as the user gave them (standard input's <c>-</c> is skipped).</param>
    /// <exception cref="UserInputException">The output would replace an input or write into an input folder.</exception>
    public static void CheckFile(string output, params string[] inputs)
    {
        var target = Canonical(output);
        foreach (var input in Compared(inputs))
        {
            var source = Canonical(input);
            if (target == source) throw new UserInputException(output, null, $"is also the input {input}; name another output.");
            if (Directory.Exists(source) && IsInside(target, source))
                throw new UserInputException(output, null, $"lies inside the input folder {input}, whose files it could replace; write it elsewhere.");
        }
    }

    /// <summary>Refuses a folder output that is one of <paramref name="inputs"/> or holds one.</summary>
    /// <param name="output">The output folder as the user gave it.</param>
    /// <param name="inputs">The command's input files and folders as the user gave them.</param>
    /// <exception cref="UserInputException">The output folder is, or contains, an input.</exception>
    public static void CheckFolder(string output, params string[] inputs)
    {
        var target = Canonical(output);
        foreach (var input in Compared(inputs))
        {
            var source = Canonical(input);
            if (target == source) throw new UserInputException(output, null, $"is also the input {input}; name another folder for the output.");
            if (IsInside(source, target))
                throw new UserInputException(output, null, $"holds the input {input}, which writing this output would replace; name another folder.");
        }
    }

    /// <summary>
    /// Refuses a folder the command writes its files into (a checkpoint, bench or report folder) when it is one of
    /// <paramref name="inputs"/> or lies inside an input folder, where its files could replace the input's; and, as
    /// <see cref="CheckFolder"/>, when a folder replaced as a whole (<c>--force</c>) holds an input.
    /// </summary>
    /// <param name="output">The output folder as the user gave it.</param>
    /// <param name="inputs">The command's input files and folders as the user gave them (standard input's <c>-</c> is skipped).</param>
    /// <exception cref="UserInputException">The output folder is, holds or lies inside an input.</exception>
    public static void CheckFolderOfFiles(string output, params string[] inputs)
    {
        CheckFolder(output, inputs);
        var target = Canonical(output);
        foreach (var input in Compared(inputs))
        {
            var source = Canonical(input);
            if (Directory.Exists(source) && IsInside(target, source))
                throw new UserInputException(output, null, $"lies inside the input folder {input}, whose files it could replace; write it elsewhere.");
        }
    }

    /// <summary>Refuses two folder outputs of one command, each replaced as a whole, where one is or lies inside the other.</summary>
    /// <param name="first">One output folder as the user gave it.</param>
    /// <param name="second">The other, named first in the message.</param>
    /// <exception cref="UserInputException">The folders are the same, or one holds the other.</exception>
    public static void CheckSeparateFolders(string first, string second)
    {
        var a = Canonical(first);
        var b = Canonical(second);
        if (a == b || IsInside(a, b) || IsInside(b, a))
            throw new UserInputException(second, null, $"overlaps the other output {first}: each replaces its folder as a whole, so name folders apart.");
    }

    // Standard input's "-" is no path, and an empty one names nothing: the command's own reading of it says so.
    private static IEnumerable<string> Compared(string[] inputs) => inputs.Where(i => i != "-" && !string.IsNullOrWhiteSpace(i));

    private static bool IsInside(string path, string folder) =>
        path.StartsWith(folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // The absolute path with every symbolic link along it followed; parts that do not exist yet are kept as written.
    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                if (File.ResolveLinkTarget(current, returnFinalTarget: true) is { } target) current = Path.GetFullPath(target.FullName);
            }
            catch (IOException)
            {
                // A link loop or an unreadable entry: compare it as written; opening it will say what is wrong.
            }
        }
        return current.Length > root.Length ? current.TrimEnd(Path.DirectorySeparatorChar) : current;
    }
}
