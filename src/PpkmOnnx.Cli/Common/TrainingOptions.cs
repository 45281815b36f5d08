using System.CommandLine;
using System.Globalization;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Server.CommandLine;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
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
    public Option<string> Epochs { get; } = new("--epochs")
    {
        Description = "Training epochs, or auto: about 1,000 optimizer steps within 3..10 epochs, with early stopping after 3 epochs without a better validation macro-F1 (the paper used 20).",
        DefaultValueFactory = _ => "auto",
    };
    public Option<string> LearningRate { get; } = new("--lr", "--learning-rate")
    {
        Description = "Peak learning rate of AdamW, or auto: 1e-4 for encoders narrower than BERT-base (MiniLM), 3e-5 for BERT-base and wider (the paper used 2e-5).",
        DefaultValueFactory = _ => "auto",
    };
    public Option<int> BatchSize { get; } = new Option<int>("--batch-size") { Description = "Training batch size.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
    public Option<int> MaxLength { get; } = ModelMaxLength.Create(2, 8192);
    public Option<double> Warmup { get; } = new Option<double>("--warmup") { Description = "Share of steps with linear warm-up before linear decay.", DefaultValueFactory = _ => 0.1 }.InRange(0.0, 1.0);
    public Option<double> WeightDecay { get; } = new Option<double>("--weight-decay") { Description = "AdamW weight decay (never on biases and LayerNorm).", DefaultValueFactory = _ => 0.01 }.InRange(0.0, 1.0);
    public Option<bool> ClassWeights { get; } = new("--class-weights") { Description = "Weigh the loss by inverse class frequency (for imbalanced data)." };
    public Option<int?> Patience { get; } = new Option<int?>("--early-stopping") { Description = "Stop after N epochs without a better validation macro-F1." }.InRange(1, 1000);
    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
    public ComputeFlags Compute { get; } = new();
    public Option<bool> FreezeEmbeddings { get; } = new("--freeze-embeddings")
    {
        Description = "Keep the embeddings (word, position and token-type tables and their LayerNorm; half of a MiniLM's parameters) as loaded: "
            + "no gradients, optimizer state or updates for them, so steps are faster and lighter. Results differ from training them: check validation macro-F1.",
    };
    public Option<int> Threads { get; } = new Option<int>("--threads") { Description = "CPU threads for torch (0: torch's default)." }.InRange(0, OptionRules.MaxThreads);
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue an interrupted run in --output from its last completed epoch (an error when there is none)." };
    public Option<bool> Force { get; } = new("--force") { Description = "Replace a finished checkpoint (or an interrupted run) in --output; without it such a folder is refused." };
    public Option<string> PseudoLabels { get; } = new("--pseudo-labels")
    {
        Description = "Self-training: add a model's confident predictions on unlabelled text (a ppkm predict file) to the training rows. "
            + "Texts equal to a validation or test text, or in --exclude-texts-from, are left out; validation and test are unchanged.",
    };
    public Option<double> PseudoMinConfidence { get; } = new Option<double>("--pseudo-min-confidence")
    {
        Description = "Keep a pseudo-labelled row only when its predicted class has at least this probability.",
        DefaultValueFactory = _ => 0.9,
    }.InRange(0.0, 1.0);
    public Option<int?> PseudoLimit { get; } = new Option<int?>("--pseudo-limit") { Description = "At most N pseudo-labelled rows: each class gets its share of the labelled training rows, filled with its most confident predictions." }.InRange(1, int.MaxValue);
    public Option<string[]> PseudoExclude { get; } = new("--pseudo-exclude-texts-from")
    {
        Description = "Files whose texts must never be pseudo-labelled training rows (e.g. a held-out evaluation file); repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };
    public DataOptions Data { get; } = DataOptions.Create();

    public TrainingOptions(string modelDescription) => Model = new Argument<string>("model") { Description = modelDescription };

    public void Add(Command command)
    {
        command.Arguments.Add(Model);
        foreach (var o in new Option[] { Output, Epochs, LearningRate, BatchSize, MaxLength, Warmup, WeightDecay, ClassWeights, Patience, Device, FreezeEmbeddings, Threads, Resume, Force, PseudoLabels, PseudoMinConfidence, PseudoLimit, PseudoExclude }.Concat(Compute.All))
            command.Options.Add(o);
        Data.Add(command);
    }

    /// <summary>--lr and --epochs as given (null for auto, resolved later from the model and the data).</summary>
    /// <exception cref="UserInputException">A value that is neither auto nor in range.</exception>
    private (double? LearningRate, int? Epochs) ExplicitLearningRateAndEpochs(ParseResult p)
    {
        var lrText = p.GetValue(LearningRate)!;
        double? lr = null;
        if (lrText != "auto")
        {
            if (!double.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value <= 0 || value >= 1)
                throw new UserInputException($"--lr must be auto or a number in (0, 1), got '{lrText}'.");
            lr = value;
        }
        var epochsText = p.GetValue(Epochs)!;
        int? epochs = null;
        if (epochsText != "auto")
        {
            if (!int.TryParse(epochsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 1000)
                throw new UserInputException($"--epochs must be auto or a whole number in 1..1000, got '{epochsText}'.");
            epochs = value;
        }
        return (lr, epochs);
    }

    /// <summary>
    /// The run's options; <c>auto</c> learning rate and epochs are resolved from the model's size and
    /// <paramref name="trainRows"/>, and each automatic choice comes back with its reason.
    /// </summary>
    public (TrainingRunOptions Options, IReadOnlyList<(string Setting, string Reason)> Choices) ToRunOptions(ParseResult p, int trainRows)
    {
        var model = p.GetValue(Model)!;
        var choices = new List<(string, string)>();
        var (explicitLr, explicitEpochs) = ExplicitLearningRateAndEpochs(p);
        double lr;
        if (explicitLr is { } givenLr) lr = givenLr;
        else
        {
            (lr, var why) = TrainingDefaults.LearningRateFor(ModelConfig.Load(model));
            choices.Add(($"learning rate {lr:G}", why));
        }
        var batchSize = p.GetValue(BatchSize);
        int epochs;
        int? patience = p.GetValue(Patience);
        if (explicitEpochs is { } givenEpochs) epochs = givenEpochs;
        else
        {
            (epochs, var why) = TrainingDefaults.EpochsFor(trainRows, Math.Max(1, batchSize));
            patience ??= TrainingDefaults.AutoPatience;
            choices.Add(($"{epochs} epochs", why));
        }
        var options = new TrainingRunOptions
        {
            ModelPath = model,
            OutputPath = p.GetValue(Output)!,
            Epochs = epochs,
            LearningRate = lr,
            BatchSize = batchSize,
            MaxLength = ModelMaxLength.Resolve(p, MaxLength, model),
            WarmupRatio = p.GetValue(Warmup),
            WeightDecay = p.GetValue(WeightDecay),
            ClassWeighting = p.GetValue(ClassWeights) ? ClassWeighting.InverseFrequency : ClassWeighting.None,
            EarlyStoppingPatience = patience,
            Device = p.GetValue(Device)!,
            Compute = Compute.Read(p),
            FreezeEmbeddings = p.GetValue(FreezeEmbeddings),
            Threads = p.GetValue(Threads),
            Resume = p.GetValue(Resume),
            Force = p.GetValue(Force),
            Seed = p.GetValue(Data.Seed),
            AutomaticChoices = choices.Select(c => $"{c.Item1}: {c.Item2}").ToList(),
        };
        return (options, choices);
    }

    /// <summary>
    /// Checks the output, the typed values and the model folder (<paramref name="checkModel"/>, by default
    /// <see cref="CheckpointLoader.CheckFolder"/>), then prepares data, prints the settings, runs <paramref name="run"/>
    /// with progress and prints the result.
    /// </summary>
    public int Run(ParseResult p, CancellationToken ct, string what, Func<TrainingRunOptions, DatasetSplit, IProgress<TrainingProgress>, CancellationToken, TrainingResult> run, IEnumerable<(string, string)>? extraSettings = null,
        Action<string, int?>? checkModel = null)
    {
        // From the first moment: Ctrl-C or SIGTERM cancels the token; the trainer keeps the last good checkpoint and a resume point.
        using var interrupt = new InterruptScope(ct);
        var console = CliConsole.For(p);
        // Refuse a wrong --resume or an output that would be overwritten before minutes of data and model loading.
        TrainingOutputCheck.Check(new TrainingRunOptions { ModelPath = p.GetValue(Model)!, OutputPath = p.GetValue(Output)!, Resume = p.GetValue(Resume), Force = p.GetValue(Force) });
        foreach (var pseudoOption in new Option[] { PseudoMinConfidence, PseudoLimit, PseudoExclude })
            OptionRules.RefuseInapplicable(p, pseudoOption, p.GetValue(PseudoLabels) is not null, "with --pseudo-labels FILE");
        OutputOverlap.CheckFolderOfFiles(p.GetValue(Output)!, [p.GetValue(Model)!, .. Data.InputPaths(p), .. new[] { p.GetValue(PseudoLabels) }.OfType<string>(), .. p.GetValue(PseudoExclude) ?? []]);
        // Then the values typed on the line, then a model folder the run could not load, before the data is read.
        ExplicitLearningRateAndEpochs(p);
        (checkModel ?? CheckpointLoader.CheckFolder)(p.GetValue(Model)!, ModelMaxLength.Typed(p, MaxLength));
        var prepared = PreparedData.Prepare(Data.ToLoadOptions(p));
        DataSummary.Write(console, prepared);
        var split = WithPseudoLabels(p, prepared.Split);
        if (split.PseudoLabels is { } pseudo) console.MarkupLine(Markup.Escape(pseudo.ToLine(split.LabelNames)));
        var (options, choices) = ToRunOptions(p, split.Train.Rows.Count);
        options.Validate();

        var settings = new Table().Title($"{what}: settings").AddColumn("setting").AddColumn("value");
        foreach (var (k, v) in new (string, string)[]
                 {
                     ("model", options.ModelPath), ("output", options.OutputPath), ("epochs", $"{options.Epochs}"), ("learning rate", $"{options.LearningRate:G}"),
                     ("batch size", $"{options.BatchSize}"), ("max length", $"{options.MaxLength}"), ("warm-up", $"{options.WarmupRatio:P0} of steps, then linear decay"),
                     ("weight decay", $"{options.WeightDecay}"), ("class weights", $"{options.ClassWeighting}"), ("early stopping", options.EarlyStoppingPatience?.ToString() ?? "off"),
                     ("device", options.Device), ("attention", options.Compute.AttentionName), ("precision", options.Compute.PrecisionName), ("dropout", options.Compute.DropoutName),
                     ("embeddings", options.FreezeEmbeddings ? "frozen" : "trained"), ("seed", $"{options.Seed}"), ("resume", $"{options.Resume}"),
                 }.Concat(extraSettings ?? []))
            settings.AddRow(Markup.Escape(k), Markup.Escape(v));
        console.Write(settings);
        foreach (var (setting, reason) in choices) console.MarkupLine(Markup.Escape($"auto: {setting} ({reason})"));

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
                if (t.Phase == TrainingPhase.Teacher)
                {
                    progress.Report("teacher", t.Step, t.StepsPerEpoch, "scoring the training rows once (every epoch reuses them)");
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
            }), interrupt.Token));
        }
        catch (OperationCanceledException) when (interrupt.Interrupted)
        {
            console.MarkupLine(File.Exists(Path.Combine(options.OutputPath, TrainingOutputCheck.ResumePointFile))
                ? $"[yellow]Interrupted.[/] The best checkpoint so far is in {Markup.Escape(options.OutputPath)}; continue with --resume."
                : $"[yellow]Interrupted[/] before the first epoch ended: there is nothing to keep or resume, and {Markup.Escape(options.OutputPath)} is as it was before the run.");
            return 130;
        }
        Summarize(console, result, prepared.Dataset.LabelNames);
        return 0;
    }

    private DatasetSplit WithPseudoLabels(ParseResult p, DatasetSplit split) => p.GetValue(PseudoLabels) is not { Length: > 0 } path
        ? split
        : Core.Data.PseudoLabels.AddToTrain(split, new PseudoLabelOptions
        {
            Path = path,
            MinConfidence = p.GetValue(PseudoMinConfidence),
            Limit = p.GetValue(PseudoLimit),
            ExcludeTextsFrom = [.. (p.GetValue(Data.ExcludeTextsFrom) is { Length: > 0 } excluded ? [excluded] : Array.Empty<string>()), .. p.GetValue(PseudoExclude) ?? []],
        });

    private static void Summarize(IAnsiConsole console, TrainingResult r, IReadOnlyList<string> labels)
    {
        console.MarkupLine(Markup.Escape($"Best epoch {r.BestEpoch} (validation macro F1 {r.BestValidation.MacroF1:P2}); {r.TrainableParameters:N0} trainable parameters; {r.WallTime:hh\\:mm\\:ss} on {r.Device}."));
        if (r.HeadOutcome is { } head) console.MarkupLine(Markup.Escape($"Labels matched by name: {head}."));
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
