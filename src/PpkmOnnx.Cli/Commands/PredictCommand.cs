using System.CommandLine;
using System.Text;
using PpkmOnnx.Core;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Cli.Prediction;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Server.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary>
/// <c>ppkm predict PACKAGE --input FILE|- -o OUT.csv|OUT.jsonl|-</c>: classifies every text of a file (CSV/TSV, JSON Lines,
/// plain lines) or of standard input, streaming, and writes the row, text, label and per-label probabilities.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var package = new Argument<string>("package") { Description = "A model package folder (from ppkm export/quantize)." };
        var input = new Option<string>("--input", "-i")
        {
            Description = "Texts to classify: CSV/TSV (delimiter and header detected), JSONL (a \"text\" field), .txt (one text a line), or - for lines on standard input.",
            Required = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "Predictions file (.csv, .tsv or .jsonl), or - for standard output.", Required = true };
        var variant = new Option<string>("--variant") { Description = "Model variant: fp32, int8, int8-static or fp16.", DefaultValueFactory = _ => "fp32" };
        var provider = new Option<string>("--provider") { Description = "Execution provider: auto (CUDA, else CPU), cuda or cpu.", DefaultValueFactory = _ => "auto" };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts read, classified and written at a time.", DefaultValueFactory = _ => 64 }.InRange(1, 4096);
        var textColumn = new Option<string>("--text-column") { Description = "Text column: header name, JSON field or 0-based index (default: text/tweet/content/…, else column 0)." };
        var format = new Option<string>("--format") { Description = "Output format: csv, tsv or jsonl (default: from the output's extension; csv for -)." };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads per run (0: 1 when --parallel-runs is above 1, else ONNX Runtime's choice)." }.InRange(0, OptionRules.MaxThreads);
        var parallelRuns = new Option<int>("--parallel-runs") { Description = "Micro-batches run at once, one thread each (0: one per processor)." }.InRange(0, OptionRules.MaxThreads);

        var command = new Command("predict", "Classify the texts of a file or of standard input with a model package, streaming, to CSV or JSON Lines with a probability per label.");
        command.Arguments.Add(package);
        foreach (var option in new Option[] { input, output, variant, provider, batchSize, textColumn, format, threads, parallelRuns }) command.Options.Add(option);

        command.SetAction((parseResult, cancellationToken) =>
        {
            // From the first moment: Ctrl-C or SIGTERM stops the loop before its next chunk; a file output's staging file is deleted (exit 130).
            using var interrupt = new InterruptScope(cancellationToken);
            int batch = parseResult.GetValue(batchSize);
            int threadCount = parseResult.GetValue(threads);
            int runs = parseResult.GetValue(parallelRuns);
            // Several single-threaded runs keep a CPU's cores busier than one run's intra-op threads (tools/LoadGen).
            (runs, threadCount) = ClassifierOptions.ResolveThreading(runs, threadCount);
            var modelVariant = ModelPackageLayout.ParseVariant(parseResult.GetValue(variant)!);
            var preference = ProviderArgument.Parse(parseResult.GetValue(provider)!);
            var outputPath = parseResult.GetValue(output)!;
            var outputFormat = PredictionWriter.ResolveFormat(outputPath, parseResult.GetValue(format));
            var packageFolder = parseResult.GetValue(package)!;
            if (!Directory.Exists(packageFolder)) throw new UserInputException($"{packageFolder}: model package folder not found.");

            var inputPath = parseResult.GetValue(input)!;
            if (string.IsNullOrWhiteSpace(inputPath)) throw new UserInputException("--input must name a file, or - for standard input; got an empty path.");
            // Predictions written over the input, or into the package, would replace what this run reads.
            if (outputPath != "-") OutputOverlap.CheckFile(outputPath, inputPath, packageFolder);
            if (inputPath == "-" && parseResult.GetValue(textColumn) is { } ignored)
                throw new UserInputException($"--text-column {ignored} does not apply to standard input, which is read as one text a line.");
            using var reader = inputPath == "-"
                ? TextRowReader.OpenLines(CliRunner.StandardInput, "stdin")
                : TextRowReader.Open(inputPath, new TextRowReaderOptions { TextColumn = parseResult.GetValue(textColumn) });
            using var classifier = SentimentClassifier.Load(packageFolder, new ClassifierOptions
            {
                Variant = modelVariant,
                ExecutionProvider = preference,
                IntraOpThreads = threadCount,
                ParallelRuns = runs,
                MaxBatchSize = batch,
            });

            var token = interrupt.Token;
            bool toStdout = outputPath == "-";
            var errorConsole = CliConsole.ErrorFor(parseResult);
            // Plain lines, never wrapped to a console width: scripts read them. With -o - they go to standard error.
            var log = toStdout ? parseResult.InvocationConfiguration.Error : parseResult.InvocationConfiguration.Output;
            if (reader.TextColumn is { } column && !toStdout) log.WriteLine($"Input: {reader.Source} ({Describe(reader)}, text = {column})");
            PredictionSummary summary;
            if (toStdout)
            {
                var (stdout, owned) = StandardOutput.Open(parseResult.InvocationConfiguration.Output);
                try
                {
                    // Flushed chunk by chunk: the reader downstream sees rows as they are scored, and its going away is seen within a chunk.
                    summary = WithProgress(errorConsole, p => PredictionRun.Run(reader, classifier, stdout, outputFormat, batch, p, token, flushEachChunk: true));
                }
                catch (IOException e) when (StandardOutput.IsBrokenPipe(e))
                {
                    log.WriteLine("ppkm: error: standard output was closed by its reader (broken pipe); stopped scoring.");
                    return Task.FromResult(StandardOutput.BrokenPipeExitCode);
                }
                finally
                {
                    if (owned) DisposeQuietly(stdout);
                }
            }
            else
            {
                // Written under a temporary name and renamed at the end: a failed or cancelled run leaves no partial file.
                summary = null!;
                AtomicFile.Write(outputPath, stream =>
                {
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
                    summary = WithProgress(errorConsole, p => PredictionRun.Run(reader, classifier, writer, outputFormat, batch, p, token));
                });
            }
            log.WriteLine(summary.ToLine());
            if (!toStdout) log.WriteLine($"Wrote {outputPath}");
            return Task.FromResult(0);
        });
        return command;
    }

    // Disposing flushes what is buffered, which fails again on a broken pipe; nothing more can reach that reader.
    private static void DisposeQuietly(TextWriter writer)
    {
        try { writer.Dispose(); } catch (IOException) { }
    }

    // A live bar on an interactive standard error only: logs and pipes get just the summary line.
    private static PredictionSummary WithProgress(IAnsiConsole errorConsole, Func<CliProgress?, PredictionSummary> work) =>
        errorConsole.Profile.Capabilities.Interactive ? CliProgress.Run(errorConsole, p => work(p)) : work(null);

    private static string Describe(TextRowReader reader) => reader.Format switch
    {
        DataFormat.JsonLines => "JSON Lines",
        DataFormat.PlainLines => "plain lines",
        _ => $"{(reader.Delimiter == '\t' ? "tab" : $"'{reader.Delimiter}'")}-separated, {(reader.HasHeader ? "header" : "no header")}{(reader.QuotesParsed ? "" : ", quotes read as text")}",
    };
}
