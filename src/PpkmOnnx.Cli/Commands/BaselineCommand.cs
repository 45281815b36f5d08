using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Baselines;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm baseline --data FILE -o DIR</c>: TF-IDF n-grams + linear SVM / logistic regression on the same 80/10/10 split, C chosen on validation.</summary>
internal static class BaselineCommand
{
    public const string ResultFile = "baseline.json";

    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Folder for baseline.json.", Required = true };
        var models = new Option<string>("--models") { Description = "Linear models: svm, logreg or svm,logreg.", DefaultValueFactory = _ => "svm,logreg" };
        var wordNgrams = new Option<int>("--word-ngrams") { Description = "Longest word n-gram.", DefaultValueFactory = _ => 2 }.InRange(1, 5);
        var charNgrams = new Option<int>("--char-ngrams") { Description = "Longest character n-gram (0: none).", DefaultValueFactory = _ => 4 }.InRange(0, 8);
        var defaults = new TfidfBaselineOptions();
        var iterations = new Option<int>("--iterations") { Description = "Most training passes per fit (SVM dual passes, L-BFGS iterations).", DefaultValueFactory = _ => defaults.Iterations }.InRange(1, 100_000);
        var cGrid = new Option<string>("--c-grid") { Description = "Inverse regularisation strengths tried; the best validation macro-F1 is kept (test never used).", DefaultValueFactory = _ => string.Join(',', defaults.CGrid.Select(c => c.ToString(CultureInfo.InvariantCulture))) };
        var minDf = new Option<int>("--min-df") { Description = "Keep n-grams found in at least this many training texts.", DefaultValueFactory = _ => defaults.MinDocumentFrequency }.InRange(1, 1_000_000);
        var evaluate = new Option<string>("--evaluate") { Description = "Also score another labelled file (same --labels and columns; every row whose text is in --data is dropped first), e.g. IFest sheet 2." };
        var ensembleWith = new Option<string>("--ensemble-with")
        {
            Description = "A transformer model package: average its probabilities with the n-gram logistic regression's (weight chosen on validation) and score the ensemble too.",
        };
        var predict = new Option<string>("--predict")
        {
            Description = "With --ensemble-with: also classify this file's texts (CSV/TSV/JSONL/plain lines, like ppkm predict's input) with the ensemble into predictions.csv, e.g. to pseudo-label unlabelled text for --pseudo-labels.",
        };
        var data = DataOptions.Create();
        var command = new Command("baseline", "Train the classical baseline (TF-IDF word n-grams + character n-grams within words, sublinear tf, linear SVM / logistic regression with C chosen on validation) on the same split as ppkm train, and score validation and test.");
        foreach (var o in new Option[] { output, models, wordNgrams, charNgrams, minDf, cGrid, iterations, evaluate, ensembleWith, predict }) command.Options.Add(o);
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
            var ensemblePackage = parseResult.GetValue(ensembleWith);
            var predictPath = parseResult.GetValue(predict);
            if (predictPath is not null && ensemblePackage is null) throw new UserInputException("--predict writes the ensemble's predictions: give --ensemble-with PACKAGE too.");
            if (predictPath is not null && !File.Exists(predictPath)) throw new UserInputException($"{predictPath}: file not found (--predict).");
            if (ensemblePackage is not null && !kinds.Contains(LinearModelKind.LogisticRegression))
                throw new UserInputException("--ensemble-with averages probabilities, which only the logistic regression gives: include logreg in --models.");
            // baseline.json and predictions.csv may not land over an input or inside the package.
            string[] inputs = [.. data.InputPaths(parseResult), .. new[] { parseResult.GetValue(evaluate), ensemblePackage, predictPath }.OfType<string>()];
            OutputOverlap.CheckFolderOfFiles(parseResult.GetValue(output)!, inputs);
            foreach (var name in new[] { ResultFile, BaselineEnsemble.PredictionsFile })
                OutputOverlap.CheckFile(Path.Combine(parseResult.GetValue(output)!, name), inputs);
            var template = new TfidfBaselineOptions
            {
                WordNgramLength = parseResult.GetValue(wordNgrams),
                CharNgramLength = parseResult.GetValue(charNgrams),
                MinDocumentFrequency = parseResult.GetValue(minDf),
                CGrid = ParseGrid(parseResult.GetValue(cGrid)!),
                Iterations = parseResult.GetValue(iterations),
                Seed = parseResult.GetValue(data.Seed),
            };
            template.Validate();
            var console = CliConsole.For(parseResult);
            var loadOptions = data.ToLoadOptions(parseResult);
            var prepared = PreparedData.Prepare(loadOptions);
            DataSummary.Write(console, prepared);
            TextClassificationDataset? extra = null;
            if (parseResult.GetValue(evaluate) is { Length: > 0 } evaluatePath)
            {
                var evaluated = PreparedData.Prepare(loadOptions with { Path = evaluatePath, Limit = null, ExcludeTextsFrom = loadOptions.Path });
                extra = evaluated.Dataset;
                console.MarkupLine(Markup.Escape($"Evaluation set: {evaluatePath}: {extra.Rows.Count:N0} texts after dropping {evaluated.OverlapDropped:N0} also in {loadOptions.Path}."));
            }

            var results = new List<TfidfBaselineResult>();
            foreach (var kind in kinds)
            {
                ct.ThrowIfCancellationRequested();
                console.MarkupLine(Markup.Escape($"baseline: TF-IDF (words 1–{template.WordNgramLength}, chars 1–{template.CharNgramLength} within words, sublinear tf) + {Name(kind)}, C from [{string.Join(", ", template.CGrid)}] on validation"));
                var result = TfidfBaseline.Run(prepared.Split, template with { Model = kind }, extra);
                console.MarkupLine(Markup.Escape("  validation macro-F1 by C: " + string.Join(", ", result.Grid.Select(g => $"{g.C}: {g.Validation.MacroF1:P2}")) + $"; chose C = {result.C}"));
                results.Add(result);
            }

            var table = new Table().Title("Classical baseline on this split");
            foreach (var c in new[] { "model", "C", "split", "texts", "accuracy (± s.e.)", "weighted F1", "macro F1", "features", "training" }) table.AddColumn(c);
            foreach (var r in results)
                foreach (var (name, m) in new[] { ("validation", r.Validation), ("test", r.Test), ("evaluation", r.Evaluation) })
                    if (m is not null)
                        table.AddRow(Name(r.Options.Model), $"{r.C}", name, $"{m.Count:N0}", $"{m.Accuracy:P2} ± {StandardError(m):P2}", $"{m.WeightedF1:P2}", $"{m.MacroF1:P2}", $"{r.FeatureCount:N0}", $"{r.TrainingTime.TotalSeconds:F1} s");
            console.Write(table);

            var folder = parseResult.GetValue(output)!;
            OutputFolder.Create(folder);
            var ensemble = ensemblePackage is null ? null
                : BaselineEnsemble.Run(console, ensemblePackage, results.Single(r => r.Options.Model == LinearModelKind.LogisticRegression), prepared.Split, extra, predictPath, folder, ct);
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
                ["evaluation"] = extra?.Source,
                ["labels"] = new JsonArray(prepared.Split.LabelNames.Select(l => (JsonNode)l).ToArray()),
                ["models"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                {
                    ["model"] = Name(r.Options.Model),
                    ["features"] = $"tf-idf word 1-{r.Options.WordNgramLength}-grams + char_wb 1-{r.Options.CharNgramLength}-grams, lower-cased, sublinear tf, smooth idf, min_df {r.Options.MinDocumentFrequency}, each block L2",
                    ["feature_count"] = r.FeatureCount,
                    ["c"] = r.C,
                    ["validation_macro_f1_by_c"] = new JsonObject(r.Grid.Select(g => KeyValuePair.Create(g.C.ToString(CultureInfo.InvariantCulture), (JsonNode?)g.Validation.MacroF1))),
                    ["iterations"] = r.Options.Iterations,
                    ["tolerance"] = r.Options.Tolerance,
                    ["training_seconds"] = Math.Round(r.TrainingTime.TotalSeconds, 2),
                    ["train"] = Metrics(r.Train),
                    ["validation"] = Metrics(r.Validation),
                    ["test"] = Metrics(r.Test),
                    ["evaluation"] = r.Evaluation is null ? null : Metrics(r.Evaluation),
                }).ToArray()),
                ["ensemble"] = ensemble,
            };
            var path = Path.Combine(folder, ResultFile);
            ArtifactJson.Write(path, json);
            console.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/].");
            return Task.FromResult(0);
        });
        return command;
    }

    private static string Name(LinearModelKind kind) => kind == LinearModelKind.LinearSvm ? "linear SVM (one-vs-rest)" : "logistic regression";

    /// <summary>Binomial standard error of an accuracy, √(p(1 − p)/n).</summary>
    internal static double StandardError(ClassificationMetrics m) => m.Count == 0 ? 0 : Math.Sqrt(m.Accuracy * (1 - m.Accuracy) / m.Count);

    private static double[] ParseGrid(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) && c > 0 && !double.IsInfinity(c) ? c
            : throw new UserInputException($"--c-grid takes positive numbers separated by commas, got '{t}'."))
        .ToArray() is { Length: > 0 } grid ? grid : throw new UserInputException("--c-grid names no value.");

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
