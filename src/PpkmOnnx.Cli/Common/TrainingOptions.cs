using System.CommandLine;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Training.Training;
using Spectre.Console;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The options <c>ppkm train</c> and <c>ppkm distill</c> share (hyperparameters, device, resume) and the run loop
/// around the trainer: data preparation, the defaults printed at start, progress with steps/s and ETA, Ctrl-C, the summary.
/// </summary>
internal sealed class TrainingOptions
{
    public Argument<string> Model { get; }
    public Option<string> Output { get; } = new("--output", "-o") { Description = "Folder for the fine-tuned checkpoint (Hugging Face format) and training.json.", Required = true };
    public Option<int> Epochs { get; } = new Option<int>("--epochs") { Description = "Training epochs (the paper used 20).", DefaultValueFactory = _ => 3 }.InRange(1, 1000);
    public Option<double> LearningRate { get; } = new Option<double>("--lr", "--learning-rate") { Description = "Peak learning rate of AdamW.", DefaultValueFactory = _ => 2e-5 }.InRange(1e-9, 1.0);
    public Option<int> BatchSize { get; } = new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
    public Option<int> MaxLength { get; } = new Option<int>("--max-length") { Description = "Maximum tokens per text, [CLS] and [SEP] included.", DefaultValueFactory = _ => 128 }.InRange(2, 8192);
    public Option<double> Warmup { get; } = new Option<double>("--warmup") { Description = "Share of steps with linear warm-up before linear decay.", DefaultValueFactory = _ => 0.1 }.InRange(0.0, 1.0);
    public Option<double> WeightDecay { get; } = new Option<double>("--weight-decay") { Description = "AdamW weight decay (never on biases and LayerNorm).", DefaultValueFactory = _ => 0.01 }.InRange(0.0, 1.0);
    public Option<bool> ClassWeights { get; } = new("--class-weights") { Description = "Weigh the loss by inverse class frequency (for imbalanced data)." };
    public Option<int?> Patience { get; } = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without a better validation macro-F1." }.InRange(1, 1000);
    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
    public Option<int> Threads { get; } = new Option<int>("--threads") { Description = "CPU threads for torch (0: torch's default)." }.InRange(0, OptionRules.MaxThreads);
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue an interrupted run in --output from its last completed epoch." };
    public DataOptions Data { get; } = DataOptions.Create();

    public TrainingOptions(string modelDescription) => Model = new Argument<string>("model") { Description = modelDescription };

    public void Add(Command command)
    {
        command.Arguments.Add(Model);
        foreach (var o in new Option[] { Output, Epochs, LearningRate, BatchSize, MaxLength, Warmup, WeightDecay, ClassWeights, Patience, Device, Threads, Resume })
            command.Options.Add(o);
        Data.Add(command);
    }

    public TrainingRunOptions ToRunOptions(ParseResult p)
    {
        var model = p.GetValue(Model)!;
        if (!Directory.Exists(model)) throw new UserInputException($"{model}: model folder not found (expected a Hugging Face folder with config.json and model.safetensors).");
        return new TrainingRunOptions
        {
            ModelPath = model,
            OutputPath = p.GetValue(Output)!,
            Epochs = p.GetValue(Epochs),
            LearningRate = p.GetValue(LearningRate),
            BatchSize = p.GetValue(BatchSize),
            MaxLength = p.GetValue(MaxLength),
            WarmupRatio = p.GetValue(Warmup),
            WeightDecay = p.GetValue(WeightDecay),
            ClassWeighting = p.GetValue(ClassWeights) ? ClassWeighting.InverseFrequency : ClassWeighting.None,
            EarlyStoppingPatience = p.GetValue(Patience),
            Device = p.GetValue(Device)!,
            Threads = p.GetValue(Threads),
            Resume = p.GetValue(Resume),
            Seed = p.GetValue(Data.Seed),
        };
    }

    /// <summary>Prepares data, prints the settings, runs <paramref name="run"/> with progress, prints the result.</summary>
    public int Run(ParseResult p, CancellationToken ct, string what, Func<TrainingRunOptions, DatasetSplit, IProgress<TrainingProgress>, CancellationToken, TrainingResult> run, IEnumerable<(string, string)>? extraSettings = null)
    {
        var console = CliConsole.For(p);
        var options = ToRunOptions(p);
        options.Validate();
        var prepared = PreparedData.Prepare(Data.ToLoadOptions(p));
        DataSummary.Write(console, prepared);
        var split = prepared.Split;

        var settings = new Table().Title($"{what}: settings").AddColumn("setting").AddColumn("value");
        foreach (var (k, v) in new (string, string)[]
                 {
                     ("model", options.ModelPath), ("output", options.OutputPath), ("epochs", $"{options.Epochs}"), ("learning rate", $"{options.LearningRate:G}"),
                     ("batch size", $"{options.BatchSize}"), ("max length", $"{options.MaxLength}"), ("warm-up", $"{options.WarmupRatio:P0} of steps, then linear decay"),
                     ("weight decay", $"{options.WeightDecay}"), ("class weights", $"{options.ClassWeighting}"), ("early stopping", options.EarlyStoppingPatience?.ToString() ?? "off"),
                     ("device", options.Device), ("seed", $"{options.Seed}"), ("resume", $"{options.Resume}"),
                 }.Concat(extraSettings ?? []))
            settings.AddRow(Markup.Escape(k), Markup.Escape(v));
        console.Write(settings);

        // Ctrl-C cancels the token; the trainer keeps the last good checkpoint and a resume point.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try
        {
            result = CliProgress.Run(console, progress => run(options, split, new SyncProgress<TrainingProgress>(t =>
            {
                if (t.CompletedEpoch is { } e)
                {
                    var v = e.Validation;
                    console.MarkupLine(Markup.Escape($"epoch {e.Epoch}/{t.Epochs}: train loss {e.TrainLoss:0.0000}, validation accuracy {v.Accuracy:P2}, weighted F1 {v.WeightedF1:P2}, macro F1 {v.MacroF1:P2}"));
                    return;
                }
                if (t.Phase != TrainingPhase.Train)
                {
                    // Validation and test passes are announced once, not counted step by step.
                    progress.Note($"epoch {t.Epoch}/{t.Epochs}", t.Phase == TrainingPhase.Test ? "scoring the test split with the best epoch's weights" : "scoring the validation split");
                    return;
                }
                var eta = t.Eta is { } e2 ? e2.ToString(@"hh\:mm\:ss") : "?";
                progress.Report($"epoch {t.Epoch}/{t.Epochs}", t.Step, t.StepsPerEpoch, $"loss {t.Loss:0.000} lr {t.LearningRate:0.0e0} {t.StepsPerSecond:0.00} steps/s ETA {eta}");
            }), cts.Token));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            console.MarkupLine($"[yellow]Interrupted.[/] The best checkpoint so far is in {Markup.Escape(options.OutputPath)}; continue with --resume.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        Summarize(console, result, prepared.Dataset.LabelNames);
        return 0;
    }

    private static void Summarize(IAnsiConsole console, TrainingResult r, IReadOnlyList<string> labels)
    {
        console.MarkupLine(Markup.Escape($"Best epoch {r.BestEpoch} (validation macro F1 {r.BestValidation.MacroF1:P2}); {r.TrainableParameters:N0} trainable parameters; {r.WallTime:hh\\:mm\\:ss} on {r.Device}."));
        if (r.NewlyInitialized.Count > 0)
            console.MarkupLine(Markup.Escape($"Initialised fresh (not in the source checkpoint): {string.Join(", ", r.NewlyInitialized)}"));
        if (r.Test is { } test)
        {
            var t = new Table().Title("Test split").AddColumns("accuracy", "weighted P", "weighted R", "weighted F1", "macro P", "macro R", "macro F1");
            t.AddRow($"{test.Accuracy:P2}", $"{test.WeightedPrecision:P2}", $"{test.WeightedRecall:P2}", $"{test.WeightedF1:P2}", $"{test.MacroPrecision:P2}", $"{test.MacroRecall:P2}", $"{test.MacroF1:P2}");
            console.Write(t);
            console.Write(ConfusionTable(test, labels));
        }
        console.MarkupLine($"Wrote [bold]{Markup.Escape(r.OutputPath)}[/] (checkpoint, training.json, training-log.jsonl).");
    }

    private static Table ConfusionTable(ClassificationMetrics m, IReadOnlyList<string> labels)
    {
        var table = new Table().Title("Confusion matrix (rows: gold, columns: predicted)").AddColumn("");
        foreach (var l in labels) table.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
        for (int g = 0; g < labels.Count; g++)
            table.AddRow(new[] { Markup.Escape(labels[g]) }.Concat(m.ConfusionMatrix[g].Select(c => c.ToString())).ToArray());
        return table;
    }
}
