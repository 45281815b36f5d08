using System.Text;
using System.Text.Json.Nodes;
using PpkmOnnx.Benchmarking.Baselines;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Cli.Prediction;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Runtime;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary>
/// <c>ppkm baseline --ensemble-with PACKAGE</c>: the transformer package's probabilities averaged with the n-gram logistic
/// regression's, the weight chosen on validation; scored on every split, and optionally written for another file's texts
/// (<c>--predict</c>) as <c>ppkm predict</c> writes them, e.g. to pseudo-label unlabelled text for <c>--pseudo-labels</c>.
/// </summary>
internal static class BaselineEnsemble
{
    public const string PredictionsFile = "predictions.csv";

    /// <summary>Scores the ensemble, prints the table, writes predictions when asked; returns baseline.json's <c>ensemble</c> record.</summary>
    public static JsonObject Run(IAnsiConsole console, string packageFolder, TfidfBaselineResult ngram, DatasetSplit split, TextClassificationDataset? evaluation,
        string? predictPath, string outputFolder, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(packageFolder)) throw new UserInputException($"{packageFolder}: model package folder not found (--ensemble-with takes a ppkm export folder).");
        using var classifier = SentimentClassifier.Load(packageFolder);
        // Classes are matched by name (ClassNameMatching), as train, quantize and bench match them: the transformer's
        // probabilities are read in the data's class order to be scored, and the n-gram's in the package's order for the
        // written predictions, which carry the package's labels as ppkm predict writes them.
        var packageIdOfDataClass = ClassNameMatching.Order(classifier.Labels, split.LabelNames)
            ?? throw new UserInputException($"{packageFolder}: the package's classes [{string.Join(", ", classifier.Labels)}] are not the data's [{string.Join(", ", split.LabelNames)}] "
                + "(classes are matched by name, in any order).");
        var dataIdOfPackageClass = ClassNameMatching.Order(split.LabelNames, classifier.Labels)!;
        (IReadOnlyList<IReadOnlyList<float>> Transformer, IReadOnlyList<IReadOnlyList<double>> Ngram) Score(TextClassificationDataset d) => (
            classifier.Classify(d.Rows.Select(r => r.Text).ToList(), cancellationToken)
                .Select(r => (IReadOnlyList<float>)ClassNameMatching.Reorder(r.Probabilities, packageIdOfDataClass)).ToList(),
            d.Rows.Select(r => (IReadOnlyList<double>)ngram.Model.Probabilities(r.Text)).ToList());

        // Each split is scored once by each model: validation's scores choose the weight and fill its row of the table.
        // Validation comes first and is never empty (DatasetSplit.Validate).
        var parts = new[] { ("validation", split.Validation), ("test", split.Test), ("evaluation", evaluation) }
            .Where(s => s.Item2 is { Rows.Count: > 0 }).Select(s => (Name: s.Item1, Data: s.Item2!)).ToList();
        var scores = parts.Select(s => Score(s.Data)).ToList();
        var (weight, grid) = ProbabilityEnsemble.ChooseWeight(scores[0].Transformer, scores[0].Ngram, split.Validation);
        console.MarkupLine(Markup.Escape($"ensemble: validation macro-F1 by transformer weight: {string.Join(", ", grid.Select(g => $"{g.Weight:0.0}: {g.Validation.MacroF1:P2}"))}; chose {weight:0.0}"));
        var table = new Table().Title($"Transformer ({packageFolder}) + n-gram logistic regression, weight {weight:0.0} : {1 - weight:0.0}");
        foreach (var c in new[] { "split", "texts", "transformer accuracy", "n-gram accuracy", "ensemble accuracy (± s.e.)", "ensemble macro F1" }) table.AddColumn(c);
        var record = new JsonObject { ["package"] = Path.GetFullPath(packageFolder), ["transformer_weight"] = weight,
            ["validation_macro_f1_by_weight"] = new JsonObject(grid.Select(g => KeyValuePair.Create(g.Weight.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), (JsonNode?)g.Validation.MacroF1))) };
        for (int i = 0; i < parts.Count; i++)
        {
            var (name, data) = parts[i];
            var (transformer, ngramScores) = scores[i];
            var gold = data.Rows.Select(r => r.Label).ToArray();
            var single = ClassificationMetrics.Compute(gold, transformer.Select(p => ClassScores.ArgMax(p.ToArray())).ToArray(), data.LabelNames);
            var ngramOnly = ClassificationMetrics.Compute(gold, ngramScores.Select(p => ClassScores.ArgMax(p.ToArray())).ToArray(), data.LabelNames);
            var mixed = ClassificationMetrics.Compute(gold, ProbabilityEnsemble.Predict(transformer, ngramScores, weight), data.LabelNames);
            table.AddRow(name, $"{data.Rows.Count:N0}", $"{single.Accuracy:P2}", $"{ngramOnly.Accuracy:P2}",
                $"{mixed.Accuracy:P2} ± {BaselineCommand.StandardError(mixed):P2}", $"{mixed.MacroF1:P2}");
            record[name] = new JsonObject
            {
                ["count"] = data.Rows.Count, ["transformer_accuracy"] = single.Accuracy, ["transformer_macro_f1"] = single.MacroF1,
                ["ngram_accuracy"] = ngramOnly.Accuracy, ["ngram_macro_f1"] = ngramOnly.MacroF1,
                ["accuracy"] = mixed.Accuracy, ["weighted_f1"] = mixed.WeightedF1, ["macro_f1"] = mixed.MacroF1,
            };
        }
        console.Write(table);
        if (predictPath is not null)
            record["predictions"] = WritePredictions(console, classifier, ngram.Model, dataIdOfPackageClass, weight, predictPath, Path.Combine(outputFolder, PredictionsFile), cancellationToken);
        return record;
    }

    private static JsonObject WritePredictions(IAnsiConsole console, SentimentClassifier classifier, TfidfLinearModel ngram, IReadOnlyList<int> dataIdOfPackageClass,
        double weight, string input, string output, CancellationToken cancellationToken)
    {
        using var reader = TextRowReader.Open(input);
        PredictionSummary summary = null!;
        // Written under a temporary name and renamed at the end: a failed or cancelled run leaves no partial file.
        AtomicFile.Write(output, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            summary = CliProgress.Run(console, progress => PredictionRun.Run(reader, classifier, writer, PredictionFormat.Csv, 64, progress, cancellationToken,
                rescore: (text, result) => ProbabilityEnsemble.Mix(result.Probabilities, ClassNameMatching.Reorder(ngram.Probabilities(text), dataIdOfPackageClass), weight)));
        });
        console.MarkupLine(Markup.Escape($"{summary.ToLine()}; wrote {output}"));
        return new JsonObject { ["input"] = Path.GetFullPath(input), ["file"] = PredictionsFile, ["rows"] = summary.Rows };
    }
}
