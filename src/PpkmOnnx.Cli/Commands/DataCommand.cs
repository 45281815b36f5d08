using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PpkmOnnx.Core;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm data inspect|split|demo</c>: look at a dataset, write its 80/10/10 split, write the demo dataset.</summary>
internal static class DataCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var command = new Command("data", "Inspect a labelled dataset, write its train/validation/test split, or write the demo dataset.");
        command.Subcommands.Add(CreateInspect());
        command.Subcommands.Add(CreateSplit());
        command.Subcommands.Add(CreateDemo());
        return command;
    }

    private static Command CreateInspect()
    {
        var file = new Argument<string>("file") { Description = "Labelled data file: TSV/CSV (delimiter and header detected) or JSONL." };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Model/tokenizer folder (vocab.txt + tokenizer_config.json) or a vocab.txt, to measure token lengths." };
        var maxLength = new Option<int>("--max-length") { Description = "Sequence length to compare token lengths against.", DefaultValueFactory = _ => 128 }.InRange(2, 8192);
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON." };
        var data = DataOptions.CreateWithoutDataOption();
        var command = new Command("inspect", "Rows, columns, label mapping and distribution, duplicates, conflicts, token lengths, majority baseline.");
        command.Arguments.Add(file);
        command.Options.Add(tokenizer);
        command.Options.Add(maxLength);
        command.Options.Add(json);
        data.Add(command);
        command.SetAction(parseResult =>
        {
            var options = data.ToLoadOptions(parseResult, parseResult.GetValue(file));
            var prepared = PreparedData.Prepare(options);
            var tokenizerPath = parseResult.GetValue(tokenizer);
            var bert = tokenizerPath is null ? null : LoadTokenizer(tokenizerPath);
            var console = CliConsole.For(parseResult);
            DatasetInspection Inspect() => DatasetInspection.Create(prepared, bert, tokenizerPath, parseResult.GetValue(maxLength));
            // Tokenizing tens of thousands of tweets takes seconds: show a spinner when a person is watching.
            var inspection = bert is not null && console.Profile.Capabilities.Interactive && !parseResult.GetValue(json)
                ? console.Status().Start($"Tokenizing {prepared.Dataset.Rows.Count} texts…", _ => Inspect())
                : Inspect();
            if (parseResult.GetValue(json)) parseResult.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(inspection, Json));
            else
            {
                Render(console, inspection);
                if (prepared.Loaded.Anomalies.Describe() is { } anomalies) console.MarkupLineInterpolated($"Reader: {anomalies}.");
            }
            return 0;
        });
        return command;
    }

    private static Command CreateSplit()
    {
        var file = new Argument<string>("file") { Description = "Labelled data file: TSV/CSV (delimiter and header detected) or JSONL." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for train.tsv, validation.tsv, test.tsv and split.json.", Required = true };
        var data = DataOptions.CreateWithoutDataOption();
        var command = new Command("split", "Clean and split a dataset 80/10/10 (stratified, seeded) into TSV files with columns text and label.");
        command.Arguments.Add(file);
        command.Options.Add(output);
        data.Add(command);
        command.SetAction((parseResult, ct) => Task.FromResult(Run(parseResult, ct)));
        return command;

        int Run(ParseResult parseResult, CancellationToken ct)
        {
            // From the first moment: Ctrl-C or SIGTERM stops the split before or while it writes; nothing is renamed into
            // place, the staged files are deleted, a folder this run created is removed, and the command exits 130.
            using var interrupt = new InterruptScope(ct);
            var folder = parseResult.GetValue(output)!;
            // The four files replace a previous split's four in the folder and nothing else: what else the folder holds
            // (the source file, notes) is left as it is. Only a file the split would overwrite that is an input is refused.
            var inputs = new[] { parseResult.GetValue(file)!, parseResult.GetValue(data.ExcludeTextsFrom) }.OfType<string>().ToArray();
            var paths = SplitFiles.Select(name => Path.Combine(folder, name)).ToArray();
            OutputFolder.CheckCreatable(folder);
            foreach (var path in paths)
            {
                OutputOverlap.CheckFile(path, inputs);
                AtomicFile.CheckFilePath(path);
            }
            var prepared = PreparedData.Prepare(data.ToLoadOptions(parseResult, parseResult.GetValue(file)));
            var split = prepared.Split;
            // An empty part is no split: train picks its epoch on validation, bench and report score test (sklearn's
            // train_test_split refuses the same way).
            prepared.RequireValidationAndTestRows("split more rows");
            var token = interrupt.Token;
            token.ThrowIfCancellationRequested();
            var summary = new
            {
                source = Path.GetFullPath(prepared.Loaded.Dataset.Source),
                labels = prepared.Loaded.Labels.Describe(),
                labelSource = prepared.Loaded.Labels.Source,
                labelSourceDescription = prepared.Loaded.Labels.Description,
                classNames = prepared.Dataset.LabelNames,
                cleaning = prepared.Cleaning,
                limit = prepared.Limit,
                seed = split.Seed,
                train = split.Train.Rows.Count,
                validation = split.Validation.Rows.Count,
                test = split.Test.Rows.Count,
                fingerprint = split.Fingerprint,
            };
            var record = ArtifactJson.ToBytes(summary, Json);
            bool folderIsNew = !Directory.Exists(folder);
            try
            {
                // The four files are one split: each is written in full under a temporary name, and only then are the four
                // renamed over the previous split's (AtomicFile.WriteTogether). A failure or Ctrl-C while writing changes none.
                AtomicFile.WriteTogether(
                [
                    (paths[0], s => TsvDatasetWriter.Write(s, split.Train, token)),
                    (paths[1], s => TsvDatasetWriter.Write(s, split.Validation, token)),
                    (paths[2], s => TsvDatasetWriter.Write(s, split.Test, token)),
                    (paths[3], s => { token.ThrowIfCancellationRequested(); s.Write(record); }),
                ]);
            }
            catch when (folderIsNew)
            {
                // The staged files are gone; the folder this run created goes with them unless something else appeared in it.
                try { if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
                throw;
            }
            var console = CliConsole.For(parseResult);
            DataSummary.Write(console, prepared);
            console.MarkupLineInterpolated($"Wrote train.tsv, validation.tsv, test.tsv and split.json to {folder}");
            return 0;
        }
    }

    /// <summary>The files of a split, in the order <c>data split</c> writes them.</summary>
    private static readonly string[] SplitFiles = ["train.tsv", "validation.tsv", "test.tsv", "split.json"];

    private static Command CreateDemo()
    {
        var output = new Option<string>("--output", "-o") { Description = "File to write (Kaggle format: Date, User, Tweet, sentiment; tab-separated).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 42 }.InRange(0, int.MaxValue);
        var perClass = new Option<int>("--rows-per-class") { Description = "Tweets per class.", DefaultValueFactory = _ => DemoDataset.DefaultRowsPerClass }.InRange(1, 1_000_000);
        var command = new Command("demo", "Write the synthetic demo dataset: Indonesian PPKM-style tweets, balanced, 0=positive, 1=neutral, 2=negative.");
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(perClass);
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetValue(output)!;
            int rows = parseResult.GetValue(perClass);
            if (rows < 1) throw new UserInputException($"--rows-per-class must be positive, got {rows}.");
            DemoDataset.Write(path, parseResult.GetValue(seed), rows);
            CliConsole.For(parseResult).MarkupLineInterpolated(
                $"Wrote {rows * 3} synthetic tweets to {path} (labels {DemoDataset.Labels.Describe()}, {DemoDataset.LabelNoise:P0} label noise).");
            return 0;
        });
        return command;
    }

    private static BertWordPieceTokenizer LoadTokenizer(string path)
    {
        if (Directory.Exists(path)) return BertWordPieceTokenizer.FromFolder(path);
        if (File.Exists(path)) return BertWordPieceTokenizer.Create(path);
        throw new UserInputException($"{path}: tokenizer folder or vocab.txt not found.");
    }

    private static void Render(IAnsiConsole console, DatasetInspection i)
    {
        string Pct(double x) => x.ToString("P1", CultureInfo.InvariantCulture);
        console.MarkupLineInterpolated($"[bold]{i.Source}[/]: {(i.Format == DataFormat.JsonLines ? "JSON Lines" : $"delimiter {i.Delimiter}, {(i.HasHeader ? "header" : "no header")}")}");
        console.MarkupLineInterpolated($"git blob {i.GitBlobId}: {i.KnownAs ?? "not a file PpkmOnnx knows (no byte-for-byte match with a published copy)"}");
        console.MarkupLineInterpolated($"Columns: {string.Join(", ", i.Columns)}; text = {i.TextColumn}, label = {i.LabelColumn}");
        console.MarkupLineInterpolated($"Labels: [bold]{i.LabelMapping}[/] ({i.LabelMappingDescription})");

        var rows = new Table().Title("Rows").AddColumn("").AddColumn(new TableColumn("count").RightAligned());
        rows.AddRow("read", (i.Cleaning.RowsIn + i.Cleaning.MissingDropped).ToString(CultureInfo.InvariantCulture));
        rows.AddRow("missing text or label (dropped)", i.Cleaning.MissingDropped.ToString(CultureInfo.InvariantCulture));
        rows.AddRow("exact duplicates (dropped)", i.Cleaning.ExactDuplicatesDropped.ToString(CultureInfo.InvariantCulture));
        rows.AddRow(Markup.Escape($"texts with conflicting labels ({(i.Cleaning.Policy == ConflictPolicy.Keep ? "kept" : "rows dropped")})"),
            $"{i.Cleaning.ConflictingTexts} ({i.Cleaning.ConflictRowsDropped} rows)");
        rows.AddRow("kept", i.Cleaning.RowsKept.ToString(CultureInfo.InvariantCulture));
        if (i.Limit is int limit) rows.AddRow(Markup.Escape($"used (--limit {limit}, stratified)"), i.Rows.ToString(CultureInfo.InvariantCulture));
        console.Write(rows);

        var classes = new Table().Title("Classes").AddColumn("id").AddColumn("class").AddColumn(new TableColumn("rows").RightAligned()).AddColumn(new TableColumn("share").RightAligned());
        foreach (var c in i.Classes) classes.AddRow(c.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Name), c.Count.ToString(CultureInfo.InvariantCulture), Pct(c.Share));
        console.Write(classes);
        console.MarkupLineInterpolated($"Majority-class baseline: {i.MajorityClass} = {Pct(i.MajorityBaselineAccuracy)} accuracy (on the test split: {Pct(i.TestMajorityBaselineAccuracy)})");

        if (i.TokenLengths is { } t)
        {
            var tokens = new Table().Title(Markup.Escape($"Token lengths ({i.Tokenizer}, with [CLS]/[SEP])"))
                .AddColumn("p50").AddColumn("p90").AddColumn("p95").AddColumn("p99").AddColumn("max").AddColumn("mean")
                .AddColumn(Markup.Escape($"> {t.MaxLength} (truncated)")).AddColumn("[[UNK]] share");
            tokens.AddRow(t.P50.ToString("0.#", CultureInfo.InvariantCulture), t.P90.ToString("0.#", CultureInfo.InvariantCulture), t.P95.ToString("0.#", CultureInfo.InvariantCulture),
                t.P99.ToString("0.#", CultureInfo.InvariantCulture), t.Max.ToString(CultureInfo.InvariantCulture), t.Mean.ToString("F1", CultureInfo.InvariantCulture),
                Pct(t.TruncatedShare), Pct(t.UnknownTokenShare));
            console.Write(tokens);
        }
        console.MarkupLineInterpolated($"Split 80/10/10 (seed {i.Seed}): train {i.TrainRows}, validation {i.ValidationRows}, test {i.TestRows}");
        console.MarkupLineInterpolated($"Split fingerprint: {i.SplitFingerprint}");
    }
}
