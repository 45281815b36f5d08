using PpkmOnnx.Core;
using System.CommandLine;
using System.Diagnostics;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Server.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm tokenizer train|stats</c>: learn a WordPiece vocabulary from text, and measure vocabularies on text.</summary>
internal static class TokenizerCommand
{
    public static Command Create()
    {
        var command = new Command("tokenizer", "Learn a WordPiece vocabulary from unlabelled text, and compare vocabularies on text (pieces per word, tokens per text).");
        command.Subcommands.Add(CreateTrain());
        command.Subcommands.Add(CreateStats());
        return command;
    }

    private static Option<string> TextColumnOption() =>
        new("--text-column") { Description = "Text column of CSV/TSV/JSONL files: header name, JSON field or 0-based index (default: text/tweet/content/…, else column 0). Plain .txt files are one text a line." };

    /// <summary>The texts of <paramref name="files"/>, read lazily in order with the readers of <c>--data</c>.</summary>
    private static IEnumerable<string> ReadTexts(IReadOnlyList<string> files, string? textColumn)
    {
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new UserInputException($"{file}: file not found.");
            using var reader = TextRowReader.Open(file, new TextRowReaderOptions { TextColumn = textColumn });
            foreach (var row in reader.ReadRows()) yield return row.Text;
        }
    }

    private static Command CreateTrain()
    {
        var corpus = new Argument<string[]>("corpus") { Description = "Text files: plain text one per line, or CSV/TSV/JSONL with --text-column.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Tokenizer folder to write (vocab.txt, tokenizer_config.json, tokenizer.json).", Required = true };
        var defaults = new WordPieceTrainerOptions();
        var vocabSize = new Option<int>("--vocab-size") { Description = "Tokens in the vocabulary, special tokens and alphabet included.", DefaultValueFactory = _ => defaults.VocabularySize }.InRange(1, 1_000_000);
        var minFrequency = new Option<int>("--min-frequency") { Description = "Merge a pair of pieces only when it occurs at least this often.", DefaultValueFactory = _ => defaults.MinFrequency }.InRange(0, 1_000_000_000);
        var limitAlphabet = new Option<int>("--limit-alphabet") { Description = "Keep at most this many distinct characters, the most frequent (0: all).", DefaultValueFactory = _ => defaults.LimitAlphabet ?? 0 }.InRange(0, 1_000_000);
        var lowercase = new Option<bool>("--lowercase") { Description = "Lower-case and strip accents (uncased), as BERT uncased vocabularies.", DefaultValueFactory = _ => defaults.Tokenizer.DoLowerCase };
        var mergeRule = new Option<string>("--merge-rule")
        {
            Description = "frequency: pair count, what the Hugging Face tokenizers trainer does (default); score: WordPiece's count(ab)/(count(a)·count(b)).",
            DefaultValueFactory = _ => "frequency",
        };
        mergeRule.AcceptOnlyFromAmong("score", "frequency");
        var force = new Option<bool>("--force") { Description = "Replace an existing output folder." };
        var textColumn = TextColumnOption();
        var train = new Command("train", "Learn a WordPiece vocabulary (Hugging Face tokenizers' WordPiece trainer: same basic tokenization as ppkm's BERT tokenizer, special tokens first, ## continuation pieces) and write a tokenizer folder.");
        train.Arguments.Add(corpus);
        foreach (var o in new Option[] { output, vocabSize, minFrequency, limitAlphabet, lowercase, mergeRule, textColumn, force }) train.Options.Add(o);
        SettingFlags.Bind(train, StagingFolder.OverwriteSetting, force);
        train.SetAction((parseResult, ct) => Task.FromResult(Run(parseResult, ct)));
        return train;

        int Run(ParseResult parseResult, CancellationToken ct)
        {
            // From the first moment: Ctrl-C or SIGTERM stops the reading or merging at its next text or merge, nothing is
            // written (the staging folder, if begun, is deleted) and the command exits 130.
            using var interrupt = new InterruptScope(ct);
            var options = new WordPieceTrainerOptions
            {
                VocabularySize = parseResult.GetValue(vocabSize),
                MinFrequency = parseResult.GetValue(minFrequency),
                LimitAlphabet = parseResult.GetValue(limitAlphabet) switch { 0 => null, var l => l },
                MergeRule = parseResult.GetValue(mergeRule) == "frequency" ? WordPieceMergeRule.Frequency : WordPieceMergeRule.Score,
                Tokenizer = new BertTokenizerSettings { DoLowerCase = parseResult.GetValue(lowercase) },
            };
            options.Validate();
            var folder = parseResult.GetValue(output)!;
            var overwrite = parseResult.GetValue(force);
            // Before minutes of training: the one rule for a destination folder, as export and pretrained import apply it.
            StagingFolder.CheckDestination(folder, overwrite);
            var console = CliConsole.For(parseResult);
            var files = parseResult.GetValue(corpus)!;
            OutputOverlap.CheckFolder(folder, files); // the tokenizer folder replaces what is there as a whole

            console.MarkupLine(Markup.Escape($"Learning a {options.VocabularySize:N0}-token vocabulary from {files.Length} file(s)…"));
            var started = Stopwatch.StartNew();
            var result = WordPieceTrainer.Train(ReadTexts(files, parseResult.GetValue(textColumn)), options, interrupt.Token);
            var elapsed = started.Elapsed;
            var tokenizer = result.ToTokenizer();

            using (var staging = StagingFolder.Begin(folder, overwrite))
            {
                tokenizer.Save(staging.Path);
                if (tokenizer.SaveTokenizerJson(staging.Combine("tokenizer.json")) is { } reason)
                    throw new InvalidOperationException($"tokenizer.json not written: {reason}");
                BertWordPieceTokenizer.FromFolder(staging.Path);
                interrupt.Token.ThrowIfCancellationRequested();
                staging.Commit();
            }
            console.MarkupLine(Markup.Escape(
                $"Read {result.Texts:N0} texts from {files.Length} file(s): {result.Words:N0} words, {result.DistinctWords:N0} distinct, "
                + $"alphabet {result.AlphabetSize:N0} characters ({result.CharactersDropped:N0} dropped by the limit)."));
            console.MarkupLine(Markup.Escape(
                $"Vocabulary: {result.Tokens.Count:N0} tokens ({result.InitialSize:N0} special and alphabet, {result.Merges:N0} merges by {parseResult.GetValue(mergeRule)}) in {elapsed.TotalSeconds:F1} s."));
            if (result.StoppedEarly is { } why) console.MarkupLine(Markup.Escape($"Stopped before {options.VocabularySize:N0}: {why}."));
            console.MarkupLine($"Wrote [bold]{Markup.Escape(Path.GetFullPath(folder))}[/] (vocab.txt, tokenizer_config.json, tokenizer.json).");
            return 0;
        }
    }

    private static Command CreateStats()
    {
        var tokenizers = new Argument<string[]>("tokenizer") { Description = "Tokenizer folders (vocab.txt with tokenizer_config.json, or tokenizer.json) or vocab.txt files.", Arity = ArgumentArity.OneOrMore };
        var data = new Option<string>("--data") { Description = "Texts to measure on: plain text one per line, or CSV/TSV/JSONL with --text-column.", Required = true };
        var textColumn = TextColumnOption();
        var stats = new Command("stats", "Measure tokenizers on texts: words (basic tokenization), WordPiece pieces per word, mean tokens per text with [CLS] and [SEP], unknown-token share.");
        stats.Arguments.Add(tokenizers);
        stats.Options.Add(data);
        stats.Options.Add(textColumn);
        stats.SetAction(parseResult =>
        {
            var loaded = parseResult.GetValue(tokenizers)!.Select(path => (Path: path, Tokenizer: Directory.Exists(path)
                ? BertWordPieceTokenizer.FromFolder(path)
                : File.Exists(path) ? BertWordPieceTokenizer.Create(path) : throw new UserInputException($"{path}: no such tokenizer folder or vocab.txt."))).ToList();
            var texts = ReadTexts([parseResult.GetValue(data)!], parseResult.GetValue(textColumn)).ToList();
            var table = new Table().AddColumns("tokenizer", "vocabulary", "texts", "words", "pieces", "pieces / word", "tokens / text", "[[UNK]] share");
            var ids = new List<int>();
            foreach (var (path, tokenizer) in loaded)
            {
                long words = 0, pieces = 0, unknown = 0;
                foreach (var text in texts)
                {
                    words += tokenizer.SplitWords(text).Count;
                    ids.Clear();
                    tokenizer.EncodeToIds(text.AsSpan(), ids, addSpecialTokens: false);
                    pieces += ids.Count;
                    foreach (var id in ids) if (id == tokenizer.UnknownId) unknown++;
                }
                table.AddRow(Markup.Escape(path), $"{tokenizer.VocabularySize:N0}", $"{texts.Count:N0}", $"{words:N0}", $"{pieces:N0}",
                    words == 0 ? "-" : $"{pieces / (double)words:F3}", texts.Count == 0 ? "-" : $"{(pieces + 2.0 * texts.Count) / texts.Count:F2}",
                    pieces == 0 ? "-" : $"{unknown / (double)pieces:P2}");
            }
            CliConsole.For(parseResult).Write(table);
            return 0;
        });
        return stats;
    }
}
