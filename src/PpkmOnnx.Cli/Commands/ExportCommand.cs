using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Onnx.Export;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Server.CommandLine;
using PpkmOnnx.Onnx.Validation;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm export CHECKPOINT -o PACKAGE</c>: our own ONNX graph of a BERT/DistilBERT checkpoint, validated against TorchSharp.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Argument<string>("checkpoint") { Description = "Hugging Face-format folder (config.json, model.safetensors, vocab.txt): from ppkm train/distill, ppkm pretrained import, or your own." };
        var output = new Option<string>("--output", "-o") { Description = "Model package folder to write (model.onnx, config.json, tokenizer files, export.json).", Required = true };
        var graph = new Option<string>("--graph") { Description = "fused: ONNX Runtime contrib ops (Attention, SkipLayerNormalization…), fastest; standard: default-domain ops only, any ONNX runtime.", DefaultValueFactory = _ => "fused" };
        graph.AcceptOnlyFromAmong("fused", "standard");
        var maxLength = new Option<int?>("--max-length") { Description = "Maximum sequence length recorded in the package (default: the training run's, else the tokenizer's)." }.InRange(2, 8192);
        var noValidate = new Option<bool>("--no-validate") { Description = "Skip the ONNX Runtime vs TorchSharp check (on by default)." };
        var validationTexts = new Option<int>("--validation-texts") { Description = "How many validation tweets the check runs.", DefaultValueFactory = _ => 64 }.InRange(1, 100_000);
        var tolerance = new Option<double>("--atol") { Description = "Largest |ONNX - TorchSharp| allowed.", DefaultValueFactory = _ => ExportValidator.DefaultTolerance }.InRange(0.0, 1.0);
        var triton = new Option<string>("--triton-repo") { Description = "Also lay out a Triton Inference Server model repository here (<name>/config.pbtxt, <name>/1/model.onnx)." };
        var tritonName = new Option<string>("--triton-name") { Description = "Model name in the Triton repository (default: the output folder's name)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing output folder." };
        var data = DataOptions.Create();
        var command = new Command("export", "Export a checkpoint to an ONNX model package (opset 17, dynamic batch and sequence) and check it against TorchSharp on real texts, like optimum-cli export onnx.");
        command.Arguments.Add(checkpoint);
        foreach (var o in new Option[] { output, graph, maxLength, noValidate, validationTexts, tolerance, triton, tritonName, force }) command.Options.Add(o);
        SettingFlags.Bind(command, StagingFolder.OverwriteSetting, force);
        SettingFlags.Bind(command, nameof(ExportOptions.TritonModelName), tritonName);
        data.Add(command);
        command.SetAction((p, ct) => Task.FromResult(Run(p, ct)));
        return command;

        int Run(ParseResult p, CancellationToken ct)
        {
            // From the first moment: Ctrl-C or SIGTERM stops the export at its next step or validation batch; the staging folder is deleted (exit 130).
            using var interrupt = new InterruptScope(ct);
            var console = CliConsole.For(p);
            var folder = p.GetValue(checkpoint)!;
            OptionRules.RefuseInapplicable(p, tritonName, p.GetValue(triton) is not null, "with --triton-repo (it names the model there)");
            if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: checkpoint folder not found.");
            var options = new ExportOptions
            {
                CheckpointFolder = folder,
                OutputFolder = p.GetValue(output)!,
                Flavour = GraphFlavours.Parse(p.GetValue(graph)!),
                MaxLength = p.GetValue(maxLength) ?? ModelPackage.TrainedMaxLength(folder),
                Overwrite = p.GetValue(force),
                TritonRepository = p.GetValue(triton),
                TritonModelName = p.GetValue(tritonName),
                Cancellation = interrupt.Token,
            };
            // An existing package or Triton entry is the user's to resolve (another name or --force); check before minutes of validation.
            OnnxExporter.CheckOutputs(options);
            ExportValidationOptions? validation = null;
            TorchReferenceModel? reference = null;
            try
            {
                if (!p.GetValue(noValidate))
                {
                    var prepared = EvaluationTexts.PrepareIfGiven(data, p);
                    var source = prepared is null ? "built-in demo tweets" : Path.GetFileName(prepared.Loaded.Dataset.Source);
                    var texts = (prepared ?? EvaluationTexts.Demo()).Split.Validation.Rows.Select(r => r.Text).Take(p.GetValue(validationTexts)).ToList();
                    console.MarkupLine(Markup.Escape($"Validating on {texts.Count} texts from {source} (batch sizes 1 and 8, with padding) against TorchSharp…"));
                    reference = TorchReferenceModel.Load(folder);
                    validation = new ExportValidationOptions { Reference = reference, Texts = texts, Tolerance = p.GetValue(tolerance) };
                }
                var result = OnnxExporter.Export(options with { Validation = validation });
                if (result.Validation is { } report)
                {
                    var table = new Table().Title("ONNX Runtime vs TorchSharp").AddColumns("batch size", "batches", "max |Δ|", "argmax agreement", "result");
                    foreach (var r in report.Rows)
                        table.AddRow($"{r.BatchSize}", $"{r.Batches}", $"{r.MaxAbsDiff:E2}", $"{r.ArgmaxAgreement:P1}", r.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
                    console.Write(table);
                }
                console.MarkupLine(Markup.Escape($"Wrote {result.ModelPath} ({GraphFlavours.Name(result.Flavour)} graph, {result.NodeCount} nodes)" + (result.TritonModelFolder is { } t ? $" and Triton model {t}" : "") + "."));
                return 0;
            }
            finally
            {
                reference?.Dispose();
            }
        }
    }
}
