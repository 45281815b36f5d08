using System.CommandLine;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Onnx.Quantization;
using PpkmOnnx.Server.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm quantize PACKAGE --mode dynamic|static|fp16</c>: INT8/FP16 variants in C#, with an accuracy guard.</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var package = new Argument<string>("package") { Description = "Model package folder from ppkm export (holds model.onnx)." };
        var mode = new Option<string>("--mode") { Description = "dynamic: int8 weights, activations at run time (CPU default); static: QDQ with calibrated activation ranges; fp16: float16 weights and compute, float32 I/O (GPU variant).", DefaultValueFactory = _ => "dynamic" };
        mode.AcceptOnlyFromAmong("dynamic", "static", "fp16");
        var perTensor = new Option<bool>("--per-tensor") { Description = "One weight scale per tensor instead of per output channel." };
        var reduceRange = new Option<bool?>("--reduce-range") { Description = "7-bit weights (avoids u8s8 saturation on CPUs without VNNI). Default: on only where this CPU lacks VNNI." };
        var embeddings = new Option<bool>("--quantize-embeddings") { Description = "Also store the word-embedding table as int8 (smaller file; standard graphs)." };
        var exclude = new Option<string[]>("--exclude") { Description = "Keep in float32: encoder layers by key (layer.0), or nodes and weights by whole name or glob (layer.5.*). Each must name something the mode converts (ppkm's graphs keep the pooler and classifier Gemm in float32 anyway); the error for one that does not shows real names.", AllowMultipleArgumentsPerToken = true };
        var autoExclude = new Option<bool>("--auto-exclude") { Description = "Keep the layers whose quantization costs most validation macro-F1 in float32 until the drop is under --max-drop." };
        var calibration = new Option<string>("--calibration") { Description = "Static mode: minmax, percentile or entropy.", DefaultValueFactory = _ => "minmax" };
        calibration.AcceptOnlyFromAmong("minmax", "percentile", "entropy");
        var samples = new Option<int>("--calibration-samples") { Description = "Static mode: training tweets used to calibrate activation ranges.", DefaultValueFactory = _ => 128 }.InRange(1, 100_000);
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest macro-F1 drop vs FP32 accepted, in points (1 = 0.01).", DefaultValueFactory = _ => 1.0 }.InRange(0.0, 100.0);
        var force = new Option<bool>("--force") { Description = "Keep the variant even when it fails the accuracy guard." };
        var data = DataOptions.Create();
        var command = new Command("quantize", "Write an INT8 (dynamic or static) or FP16 variant beside model.onnx and check its accuracy against FP32 on the validation and test splits (--data; the built-in demo tweets otherwise).");
        command.Arguments.Add(package);
        foreach (var o in new Option[] { mode, perTensor, reduceRange, embeddings, exclude, autoExclude, calibration, samples, maxDrop, force }) command.Options.Add(o);
        data.Add(command);
        command.SetAction((p, ct) => Task.FromResult(Run(p, ct)));
        return command;

        int Run(ParseResult p, CancellationToken ct)
        {
            // From the first moment: Ctrl-C or SIGTERM stops the work at its next inference batch; nothing is written (exit 130).
            using var interrupt = new InterruptScope(ct);
            var console = CliConsole.For(p);
            var folder = p.GetValue(package)!;
            string modeName = p.GetValue(mode)!;
            OptionRules.RefuseInapplicable(p, calibration, modeName == "static", "with --mode static");
            OptionRules.RefuseInapplicable(p, samples, modeName == "static", "with --mode static");
            OptionRules.RefuseInapplicable(p, embeddings, modeName == "dynamic", "with --mode dynamic");
            OptionRules.RefuseInapplicable(p, perTensor, modeName != "fp16", "to the int8 modes (dynamic, static)");
            OptionRules.RefuseInapplicable(p, reduceRange, modeName != "fp16", "to the int8 modes (dynamic, static)");
            if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model package folder not found.");
            var prepared = EvaluationTexts.PrepareIfGiven(data, p);
            // Before any work: the guard needs rows in both parts it scores (the demo tweets always leave some).
            prepared?.RequireValidationAndTestRows("the accuracy guard scores it, so use more rows");
            var source = prepared is null ? "built-in demo tweets" : Path.GetFileName(prepared.Loaded.Dataset.Source);
            var split = (prepared ?? EvaluationTexts.Demo()).Split;
            var classIds = PackageClassIds(folder, split.LabelNames, prepared is null ? null : prepared.Loaded.Dataset.Source);
            var cpu = CpuFeatures.Current;
            var variant = modeName switch { "static" => ModelVariant.Int8Static, "fp16" => ModelVariant.Fp16, _ => ModelVariant.Int8 };
            var options = new QuantizeOptions
            {
                PackageFolder = folder,
                Variant = variant,
                PerChannel = !p.GetValue(perTensor),
                ReduceRange = p.GetValue(reduceRange) ?? cpu.ReduceRangeAdvised,
                QuantizeWordEmbedding = p.GetValue(embeddings),
                Exclude = p.GetValue(exclude) ?? [],
                AutoExclude = p.GetValue(autoExclude),
                Calibration = p.GetValue(calibration) switch { "percentile" => CalibrationMethod.Percentile, "entropy" => CalibrationMethod.Entropy, _ => CalibrationMethod.MinMax },
                CalibrationTexts = split.Train.Rows.Select(r => r.Text).ToList(),
                CalibrationSamples = p.GetValue(samples),
                Validation = EvaluationSet.FromLabelledTexts("validation", split.Validation.Rows, classIds),
                Test = EvaluationSet.FromLabelledTexts("test", split.Test.Rows, classIds),
                MaxDrop = p.GetValue(maxDrop) / 100.0,
                Force = p.GetValue(force),
            };
            console.MarkupLine(Markup.Escape($"Quantizing {folder} ({ModelPackageLayout.VariantName(variant)}; CPU {cpu.Summary}; reduce range {options.ReduceRange}); guard on {source}, max macro-F1 drop {p.GetValue(maxDrop):0.##} points."));
            var result = CliProgress.Run(console, progress => OnnxQuantizer.Quantize(options with
            {
                Progress = new SyncProgress<string>(m => progress.Note("quantize", m)),
                Cancellation = interrupt.Token,
            }));
            var table = new Table().Title("Accuracy guard: variant vs FP32").AddColumns("split", "texts", "FP32 acc", "variant acc", "FP32 macro F1", "variant macro F1", "drop (points)", "agreement", "max |Δlogit|");
            foreach (var c in result.Checks)
                table.AddRow(c.SetName, $"{c.Count}", $"{c.Fp32.Accuracy:P2}", $"{c.Variant.Accuracy:P2}", $"{c.Fp32.MacroF1:P2}", $"{c.Variant.MacroF1:P2}", $"{c.MacroF1Drop * 100:0.00}", $"{c.Agreement:P1}", $"{c.MaxAbsLogitDelta:0.0000}");
            console.Write(table);
            console.MarkupLine(Markup.Escape($"{result.ConvertedNodes.Count} nodes converted, {result.ExcludedNodes.Count} kept in float32{(result.AutoExcludedLayers.Count > 0 ? $" (auto-excluded: {string.Join(", ", result.AutoExcludedLayers)})" : "")}; {result.SourceBytes / 1e6:0.0} MB -> {result.OutputBytes / 1e6:0.0} MB."));
            if (!result.Accepted && !result.Written)
            {
                p.InvocationConfiguration.Error.WriteLine($"ppkm: error: {result.FailureReason} The variant was not kept (pass --force to keep it anyway); see \"rejected\" in {result.ReportPath}.");
                return 1;
            }
            console.MarkupLine(Markup.Escape($"{(result.Accepted ? "Accepted" : "Kept with --force despite the guard")}: wrote {result.OutputPath} and {result.ReportPath}."));
            return 0;
        }
    }

    /// <summary>
    /// The package's class id for each of the data's class ids, matched by name as <c>ppkm train</c> matches a head
    /// (<see cref="ClassNameMatching"/>): the guard's accuracy and macro-F1 compare gold ids with the model's outputs, so
    /// data with other class names, or another number of them, would be scored against the wrong outputs or fail deep in
    /// the guard. Refused before any work instead.
    /// </summary>
    /// <param name="folder">The package.</param>
    /// <param name="dataClasses">The data's class names, by id.</param>
    /// <param name="dataSource">The <c>--data</c> file, or null for the built-in demo tweets.</param>
    /// <exception cref="UserInputException">The package has no class names, or not the data's.</exception>
    private static int[] PackageClassIds(string folder, IReadOnlyList<string> dataClasses, string? dataSource)
    {
        var packageClasses = OnnxQuantizer.ReadLabels(folder);
        if (ClassNameMatching.Order(packageClasses, dataClasses) is { } order) return order;
        string Classes(IEnumerable<string> names) => "[" + string.Join(", ", names) + "]";
        string fix = dataSource is null ? "pass --data with the package's classes" : "name them with --labels as the package does";
        throw new UserInputException($"{dataSource ?? "the built-in demo tweets"}: the data's classes {Classes(dataClasses)} are not the package's "
            + $"{Classes(packageClasses)} ({Path.Combine(folder, ModelPackageLayout.ConfigFile)}); the accuracy guard matches classes by name, so {fix}.");
    }
}
