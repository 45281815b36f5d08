using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Baselines;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm baseline --data FILE -o DIR</c>: TF-IDF + linear SVM / logistic regression on the same 80/10/10 split.</summary>
internal static class BaselineCommand
{
    public const string ResultFile = "baseline.json";

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for baseline.json.", Required = true };
        var models = new Option<string>("--models") { Description = "Linear models: svm, logreg or svm,logreg.", DefaultValueFactory = _ => "svm,logreg" };
        var wordNgrams = new Option<int>("--word-ngrams") { Description = "Longest word n-gram.", DefaultValueFactory = _ => 2 };
        var charNgrams = new Option<int>("--char-ngrams") { Description = "Longest character n-gram (0: none).", DefaultValueFactory = _ => 4 };
        var iterations = new Option<int>("--iterations") { Description = "Training passes of the linear models.", DefaultValueFactory = _ => 20 };
        var data = DataOptions.Create();
        var command = new Command("baseline", "Train the classical baseline (TF-IDF word and character n-grams + linear SVM / logistic regression, ML.NET) on the same split as ppkm train, and score validation and test.");
        foreach (var o in new Option[] { output, models, wordNgrams, charNgrams, iterations }) command.Options.Add(o);
        data.Add(command);
        command.SetAction((parseResult, ct) =>
        {
            var kinds = parseResult.GetValue(models)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant() switch
            {
                "svm" => LinearModelKind.LinearSvm,
                "logreg" => LinearModelKind.LogisticRegression,
                var other => throw new UserInputException($"--models takes svm and/or logreg, got '{other}'."),
            }).Distinct().ToList();
            if (kinds.Count == 0) throw new UserInputException("--models names no model.");
            var template = new TfidfBaselineOptions
            {
                WordNgramLength = parseResult.GetValue(wordNgrams),
                CharNgramLength = parseResult.GetValue(charNgrams),
                Iterations = parseResult.GetValue(iterations),
                Seed = parseResult.GetValue(data.Seed),
            };
            template.Validate();
            var console = CliConsole.For(parseResult);
            var prepared = PreparedData.Prepare(data.ToLoadOptions(parseResult));
            DataSummary.Write(console, prepared);

            var results = new List<TfidfBaselineResult>();
            foreach (var kind in kinds)
            {
                ct.ThrowIfCancellationRequested();
                console.MarkupLine(Markup.Escape($"baseline: TF-IDF (words 1–{template.WordNgramLength}, chars 1–{template.CharNgramLength}) + {Name(kind)}"));
                results.Add(TfidfBaseline.Run(prepared.Split, template with { Model = kind }));
            }

            var table = new Table().Title("Classical baseline on this split");
            foreach (var c in new[] { "model", "split", "accuracy", "weighted F1", "macro F1", "features", "training" }) table.AddColumn(c);
            foreach (var r in results)
                foreach (var (name, m) in new[] { ("validation", r.Validation), ("test", r.Test) })
                    table.AddRow(Name(r.Options.Model), name, $"{m.Accuracy:P2}", $"{m.WeightedF1:P2}", $"{m.MacroF1:P2}", $"{r.FeatureCount:N0}", $"{r.TrainingTime.TotalSeconds:F1} s");
            console.Write(table);

            var folder = parseResult.GetValue(output)!;
            Directory.CreateDirectory(folder);
            var json = new JsonObject
            {
                ["stage"] = "baseline",
                ["data"] = new JsonObject
                {
                    ["source"] = prepared.Split.Source,
                    ["fingerprint"] = prepared.Split.Fingerprint,
                    ["train"] = prepared.Split.Train.Rows.Count,
                    ["validation"] = prepared.Split.Validation.Rows.Count,
                    ["test"] = prepared.Split.Test.Rows.Count,
                    ["seed"] = prepared.Split.Seed,
                },
                ["labels"] = new JsonArray(prepared.Split.LabelNames.Select(l => (JsonNode)l).ToArray()),
                ["models"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                {
                    ["model"] = Name(r.Options.Model),
                    ["features"] = $"tf-idf word 1-{r.Options.WordNgramLength}-grams + char 1-{r.Options.CharNgramLength}-grams, lower-cased, L2",
                    ["feature_count"] = r.FeatureCount,
                    ["iterations"] = r.Options.Iterations,
                    ["training_seconds"] = Math.Round(r.TrainingTime.TotalSeconds, 2),
                    ["train"] = Metrics(r.Train),
                    ["validation"] = Metrics(r.Validation),
                    ["test"] = Metrics(r.Test),
                }).ToArray()),
            };
            var path = Path.Combine(folder, ResultFile);
            ArtifactJson.Write(path, json);
            console.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/].");
            return Task.FromResult(0);
        });
        return command;
    }

    private static string Name(LinearModelKind kind) => kind == LinearModelKind.LinearSvm ? "linear SVM (one-vs-all)" : "logistic regression";

    private static JsonObject Metrics(ClassificationMetrics m) => new()
    {
        ["count"] = m.Count,
        ["accuracy"] = m.Accuracy,
        ["weighted_precision"] = m.WeightedPrecision,
        ["weighted_recall"] = m.WeightedRecall,
        ["weighted_f1"] = m.WeightedF1,
        ["macro_precision"] = m.MacroPrecision,
        ["macro_recall"] = m.MacroRecall,
        ["macro_f1"] = m.MacroF1,
    };
}
