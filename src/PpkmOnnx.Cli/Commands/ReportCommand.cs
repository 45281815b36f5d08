using System.CommandLine;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm report BENCH.json... -o DIR</c>: Markdown + self-contained HTML with the paper's tables and charts.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("bench") { Description = "bench.json files (or folders holding one) from ppkm bench.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Folder for report.md, report.html and charts/.", Required = true };
        var published = new Option<string>("--published")
        {
            Description = "JSON file of published results to print beside ours (default: the paper's Table 1/2 in ../shared/data/ppkm/seed_paper_results.json when present; 'none' for no published rows).",
        };
        var title = new Option<string>("--title") { Description = "Report title.", DefaultValueFactory = _ => "PpkmOnnx efficiency study" };
        var command = new Command("report", "Write the efficiency study (Markdown and self-contained HTML with charts) from bench.json files.");
        command.Arguments.Add(inputs);
        command.Options.Add(output);
        command.Options.Add(published);
        command.Options.Add(title);
        command.SetAction(parseResult =>
        {
            // The report's files may not land over a bench file or the published results, nor inside a folder read.
            string[] read = [.. parseResult.GetValue(inputs)!, .. new[] { parseResult.GetValue(published) }.Where(p => p is not null and not "none").OfType<string>()];
            OutputOverlap.CheckFolderOfFiles(parseResult.GetValue(output)!, read);
            foreach (var name in new[] { ReportGenerator.MarkdownFileName, ReportGenerator.HtmlFileName })
                OutputOverlap.CheckFile(Path.Combine(parseResult.GetValue(output)!, name), read);
            var reports = parseResult.GetValue(inputs)!
                .Select(p => Directory.Exists(p) ? Path.Combine(p, BenchmarkJson.FileName) : p)
                .Select(RequireResults)
                .ToList();
            var options = new ReportOptions { Title = parseResult.GetValue(title)! };
            var publishedPath = parseResult.GetValue(published) switch
            {
                null => PublishedResultFile.DefaultPath(),
                "none" => null,
                var given => given,
            };
            if (publishedPath is not null)
                options = options with { PublishedResults = PublishedResultFile.Read(publishedPath), PublishedSource = PublishedResultFile.Describe(publishedPath) };
            var files = ReportGenerator.Write(reports, parseResult.GetValue(output)!, options);
            var console = CliConsole.For(parseResult);
            console.MarkupLine($"Wrote [bold]{Markup.Escape(files.HtmlPath)}[/] and {Markup.Escape(files.MarkdownPath)} ({files.ChartPaths.Count} charts).");
            if (publishedPath is not null)
                console.MarkupLine($"Published values beside ours (a different dataset and hardware): {Markup.Escape(publishedPath)}.");
            return 0;
        });
        return command;
    }

    // A bench file without a measured variant would make an empty report that looks like a finished one.
    private static BenchmarkReport RequireResults(string path)
    {
        var report = BenchmarkJson.Read(path);
        if (report.Models.Count == 0) throw new UserInputException($"{path}: the bench file holds no model results, so there is nothing to report.");
        if (report.Models.FirstOrDefault(m => m.Variants.Count == 0) is { } empty)
            throw new UserInputException($"{path}: model '{empty.Name}' has no measured variant, so there is nothing to report for it.");
        return report;
    }
}
