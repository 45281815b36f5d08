using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Benchmarking.Running;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm bench PACKAGE... --data FILE -o DIR</c>: accuracy, latency, throughput and size of every variant, interleaved.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var packages = new Argument<string[]>("packages") { Description = "Model package folders (from ppkm export/quantize); name=folder to name one.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Folder for bench.json.", Required = true };
        var variants = new Option<string>("--variants") { Description = "Variants to measure: all present (default) or e.g. fp32,int8,int8-static,fp16." };
        var provider = new Option<string>("--provider") { Description = "Execution provider: auto (CUDA, else CPU), cuda or cpu.", DefaultValueFactory = _ => "auto" };
        var batchSizes = new Option<string>("--batch-sizes") { Description = "Batch sizes for throughput.", DefaultValueFactory = _ => "1,8,32,128" };
        var sequences = new Option<string>("--sequences") { Description = "Sequence lengths for timing; 'data' times the test texts' own lengths.", DefaultValueFactory = _ => "32,64,128,data" };
        var repeats = new Option<int>("--repeats") { Description = "Timed repeats per cell (medians are reported).", DefaultValueFactory = _ => 5 }.InRange(1, 1000);
        var iterations = new Option<int>("--iterations") { Description = "Calls per repeat.", DefaultValueFactory = _ => 10 }.InRange(1, 100_000);
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads (default: all cores)." }.InRange(1, OptionRules.MaxThreads);
        var split = new Option<string>("--split") { Description = "Which split of --data to evaluate: test (default), validation, train or all.", DefaultValueFactory = _ => "test" };
        var quick = new Option<bool>("--quick") { Description = "Short run: batch 1,8,32, seq 64 + data, 3 repeats of 5 calls (options given explicitly win; bench.json records what --quick chose)." };
        var forceFp16 = new Option<bool>("--force-fp16") { Description = "Time the fp16 variant on CPU too (it is a GPU variant)." };
        var title = new Option<string>("--title") { Description = "Title recorded in bench.json." };
        var data = DataOptions.Create();
        var command = new Command("bench", "Measure accuracy (weighted and macro P/R/F1), latency p50/p95/p99, throughput, size and parameters of model packages and their variants, interleaved in one run.");
        command.Arguments.Add(packages);
        foreach (var o in new Option[] { output, variants, provider, batchSizes, sequences, repeats, iterations, threads, split, quick, forceFp16, title }) command.Options.Add(o);
        data.Add(command);
        command.SetAction((parseResult, ct) =>
        {
            // From the first moment: Ctrl-C or SIGTERM stops the measurements at their next call; no bench.json is written (exit 130).
            using var interrupt = new InterruptScope(ct);
            var console = CliConsole.For(parseResult);
            // bench.json may not land over an input or inside a package (checked before the minutes of measuring).
            string[] inputs = [.. parseResult.GetValue(packages)!.Select(m => ParseModel(m).PackageFolder), .. data.InputPaths(parseResult)];
            OutputOverlap.CheckFolderOfFiles(parseResult.GetValue(output)!, inputs);
            OutputOverlap.CheckFile(Path.Combine(parseResult.GetValue(output)!, BenchmarkJson.FileName), inputs);
            var prepared = PreparedData.Prepare(data.ToLoadOptions(parseResult));
            DataSummary.Write(console, prepared);
            var evaluated = parseResult.GetValue(split)!.ToLowerInvariant() switch
            {
                "test" => prepared.Split.Test,
                "validation" => prepared.Split.Validation,
                "train" => prepared.Split.Train,
                "all" => prepared.Dataset,
                var other => throw new UserInputException($"--split must be test, validation, train or all, got '{other}'."),
            };
            // The majority baseline predicts the class most frequent in *training* data, as a trained model would know it.
            int majority = prepared.Split.Train.MajorityLabelId();
            bool isQuick = parseResult.GetValue(quick);
            // --quick shortens what the user left at its default; a size given explicitly is what gets measured and recorded.
            var chosenByQuick = new List<string>();
            T Quick<T>(Option<T> option, T quickValue, string name)
            {
                if (!isQuick || parseResult.GetResult(option) is { Implicit: false }) return parseResult.GetValue(option)!;
                chosenByQuick.Add($"{name} {quickValue}");
                return quickValue;
            }
            var (lengths, withData) = BenchmarkArguments.ParseSequences(Quick(sequences, "64,data", "sequences"));
            var options = new BenchmarkOptions
            {
                Models = parseResult.GetValue(packages)!.Select(ParseModel).ToList(),
                Dataset = BenchmarkDataset.FromDataset(evaluated, majority),
                Variants = parseResult.GetValue(variants) is { } v ? BenchmarkArguments.ParseVariants(v) : null,
                ForceFp16 = parseResult.GetValue(forceFp16),
                Provider = BenchmarkArguments.ParseProvider(parseResult.GetValue(provider)!),
                IntraOpThreads = parseResult.GetValue(threads),
                Repeats = Quick(repeats, 3, "repeats"),
                Iterations = Quick(iterations, 5, "iterations"),
                BatchSizes = BenchmarkArguments.ParseBatchSizes(Quick(batchSizes, "1,8,32", "batch sizes")),
                ChosenByQuick = chosenByQuick,
                SequenceLengths = lengths,
                IncludeDataLengths = withData,
                Title = parseResult.GetValue(title),
                TorchSharpVersion = Common.TorchSharpVersion.Current,
            };
            var report = CliProgress.Run(console, p => BenchmarkRunner.Run(options, new SyncProgress<BenchmarkProgress>(b => p.Report(b.Stage, b.Completed, b.Total, b.Message)), interrupt.Token));
            interrupt.Token.ThrowIfCancellationRequested();
            var path = Path.Combine(parseResult.GetValue(output)!, BenchmarkJson.FileName);
            BenchmarkJson.Write(report, path);
            Render(console, report);
            console.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/]");
            return Task.FromResult(0);
        });
        return command;
    }

    private static BenchmarkModelInput ParseModel(string spec)
    {
        var eq = spec.IndexOf('=');
        return eq > 0 && !Directory.Exists(spec)
            ? new BenchmarkModelInput { Name = spec[..eq], PackageFolder = spec[(eq + 1)..] }
            : BenchmarkModelInput.ForPackage(spec);
    }

    private static void Render(IAnsiConsole console, BenchmarkReport report)
    {
        var table = new Table().Title("Quality and speed").AddColumns("model", "variant", "provider", "accuracy", "weighted F1", "macro F1", "size MB", "p50 ms (b1)", "best seq/s");
        foreach (var m in report.Models)
            foreach (var v in m.Variants)
            {
                var b1 = v.Timings.Where(t => t.BatchSize == 1).OrderBy(t => t.Sequence == "data" ? 0 : 1).FirstOrDefault();
                var best = v.Timings.Count == 0 ? 0 : v.Timings.Max(t => t.SequencesPerSecond);
                table.AddRow(Markup.Escape(m.Name), v.Variant, Markup.Escape(v.ExecutionProvider), $"{v.Metrics.Accuracy:P2}", $"{v.Metrics.WeightedF1:P2}", $"{v.Metrics.MacroF1:P2}",
                    $"{v.FileSizeBytes / 1e6:0.0}", b1 is null ? "-" : $"{b1.LatencyP50Ms:0.00}", $"{best:0.0}");
            }
        console.Write(table);
        console.MarkupLine($"Majority-class baseline ({Markup.Escape(report.Baseline.Label)}): accuracy {report.Baseline.Metrics.Accuracy:P2}, macro F1 {report.Baseline.Metrics.MacroF1:P2}");
    }
}
