using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The data options every command that reads a dataset shares: <c>--data</c>, <c>--text-column</c>, <c>--label-column</c>,
/// <c>--labels</c>, <c>--limit</c>, <c>--seed</c>, <c>--conflicts</c>. Commands whose first argument is the data file
/// (<c>data inspect</c>, <c>data split</c>) leave <c>--data</c> out.
/// </summary>
internal sealed class DataOptions
{
    private DataOptions(bool withDataOption)
    {
        if (withDataOption) Data = new Option<string>("--data") { Description = "Labelled data file: TSV/CSV (delimiter and header detected) or JSONL." };
    }

    /// <summary>Options including <c>--data</c> (train, bench, quantize).</summary>
    public static DataOptions Create() => new(withDataOption: true);

    /// <summary>Options without <c>--data</c>, for commands that take the file as their first argument.</summary>
    public static DataOptions CreateWithoutDataOption() => new(withDataOption: false);

    /// <summary>
    /// The files these options read (the data file, <paramref name="file"/> when the command takes it as an argument, and
    /// <c>--exclude-texts-from</c>), for <see cref="Core.Checkpoints.OutputOverlap"/>'s checks.
    /// </summary>
    public string[] InputPaths(ParseResult parseResult, string? file = null) =>
        new[] { file ?? (Data is null ? null : parseResult.GetValue(Data)), parseResult.GetValue(ExcludeTextsFrom) }.OfType<string>().ToArray();

    /// <summary><c>--data FILE</c>, when present.</summary>
    public Option<string>? Data { get; }

    /// <summary><c>--text-column</c>: a header name or a 0-based index.</summary>
    public Option<string> TextColumn { get; } = new("--text-column") { Description = "Text column: header name or 0-based index (default: text/tweet/content/…, else column 0)." };

    /// <summary><c>--label-column</c>: a header name or a 0-based index.</summary>
    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "Label column: header name or 0-based index (default: label/class/sentiment, else the last column)." };

    /// <summary><c>--labels</c>: raw value to class name.</summary>
    public Option<string> Labels { get; } = new("--labels")
    {
        Description = "Raw label value to class name, e.g. 1=negative,2=neutral,3=positive. Default: 0=positive,1=neutral,2=negative for the Kaggle PPKM header, the file's names otherwise.",
    };

    /// <summary><c>--limit N</c>: stratified subsample.</summary>
    public Option<int?> Limit { get; } = new Option<int?>("--limit") { Description = "Use a stratified sample of N rows (after cleaning), e.g. 1000 or 5000 as in the paper." }.InRange(1, int.MaxValue);

    /// <summary><c>--seed</c> of the subsample and split.</summary>
    public Option<int> Seed { get; } = new Option<int>("--seed") { Description = "Seed of the subsample and of the 80/10/10 split.", DefaultValueFactory = _ => 42 }.InRange(0, int.MaxValue);

    /// <summary><c>--exclude-texts-from FILE</c>: drop rows whose text appears in another file.</summary>
    public Option<string> ExcludeTextsFrom { get; } = new("--exclude-texts-from") { Description = "Drop rows whose exact text also appears in this file (e.g. the training data, when evaluating on a held-out file)." };

    /// <summary><c>--conflicts drop|keep</c>: texts with different labels.</summary>
    public Option<string> Conflicts { get; } = CreateConflicts();

    private static Option<string> CreateConflicts()
    {
        var option = new Option<string>("--conflicts")
        {
            Description = "Texts that appear with different labels: drop all their rows (default) or keep one row per label.",
            DefaultValueFactory = _ => "drop",
        };
        option.AcceptOnlyFromAmong("drop", "keep");
        return option;
    }

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void Add(Command command)
    {
        if (Data is not null) command.Options.Add(Data);
        command.Options.Add(TextColumn);
        command.Options.Add(LabelColumn);
        command.Options.Add(Labels);
        command.Options.Add(Limit);
        command.Options.Add(Seed);
        command.Options.Add(Conflicts);
        command.Options.Add(ExcludeTextsFrom);
    }

    /// <summary>The load options the user gave; <paramref name="path"/> overrides <c>--data</c> (first-argument commands).</summary>
    /// <exception cref="UserInputException">No data file was named.</exception>
    public DataLoadOptions ToLoadOptions(ParseResult parseResult, string? path = null)
    {
        path ??= Data is null ? null : parseResult.GetValue(Data);
        if (string.IsNullOrWhiteSpace(path)) throw new UserInputException("no data file given: pass --data FILE.");
        var limit = parseResult.GetValue(Limit);
        if (limit is <= 0) throw new UserInputException($"--limit must be positive, got {limit}.");
        return new DataLoadOptions
        {
            Path = path,
            TextColumn = parseResult.GetValue(TextColumn),
            LabelColumn = parseResult.GetValue(LabelColumn),
            Labels = parseResult.GetValue(Labels),
            Limit = limit,
            Seed = parseResult.GetValue(Seed),
            Conflicts = parseResult.GetValue(Conflicts) == "keep" ? ConflictPolicy.Keep : ConflictPolicy.DropAll,
            ExcludeTextsFrom = parseResult.GetValue(ExcludeTextsFrom),
        };
    }
}
