using System.CommandLine;
using PpkmOnnx.Cli.Common;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Training.Adaptation;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Training;
using PpkmOnnx.Server.CommandLine;
using Spectre.Console;

namespace PpkmOnnx.Cli.Commands;

/// <summary>
/// <c>ppkm adapt MODEL --corpus FILE… [--vocab FILE] -o DIR</c>: domain-adaptive masked-LM pretraining on unlabelled text,
/// optionally on a new vocabulary (Fast Vocabulary Transfer), so a later <c>ppkm train</c> starts from an encoder that
/// knows the language. With <c>--data</c>, the labelled file's train split joins the corpus and its validation and
/// test texts are kept out of it.
/// </summary>
internal static class AdaptCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "BERT/DistilBERT checkpoint folder to adapt (e.g. the imported MiniLM)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the adapted checkpoint (a Hugging Face *ForMaskedLM folder), adapt.json and adapt-log.jsonl.", Required = true };
        var corpus = new Option<string[]>("--corpus") { Description = "Unlabelled text: plain lines, or CSV/TSV/JSONL (see --text-column). Repeat for several files.", AllowMultipleArgumentsPerToken = true };
        var vocab = new Option<string>("--vocab") { Description = "Move the model to this WordPiece vocab.txt first (its tokenizer_config.json beside it is read): shared tokens keep their vectors, new ones start as the mean of their old pieces." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the corpus.", DefaultValueFactory = _ => 1 }.InRange(1, 1000);
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop after N optimizer steps (the schedule is laid out over them); 0 only moves the model to --vocab (vocabulary transfer without training)." }.InRange(0, 100_000_000);
        var lr = new Option<double>("--lr", "--learning-rate") { Description = "Peak learning rate of AdamW.", DefaultValueFactory = _ => 1e-4 }.InRange(1e-9, 1.0);
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per step.", DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var maxLength = ModelMaxLength.Create(3, 4096);
        var warmup = new Option<double>("--warmup") { Description = "Share of steps with linear warm-up before linear decay.", DefaultValueFactory = _ => 0.06 }.InRange(0.0, 1.0);
        var mask = new Option<double>("--mask-probability") { Description = "Share of tokens predicted (80 % [MASK], 10 % random, 10 % kept).", DefaultValueFactory = _ => 0.15 }.InRange(0.01, 0.99);
        var wholeWord = new Option<bool>("--whole-word-mask") { Description = "Mask whole words (a piece with its ## continuations) instead of single pieces." };
        var evalEvery = new Option<int>("--eval-every") { Description = "Steps between held-out loss measurements.", DefaultValueFactory = _ => 250 }.InRange(1, 100_000_000);
        var saveEvery = new Option<int>("--save-every") { Description = "Steps between resume points.", DefaultValueFactory = _ => 500 }.InRange(1, 100_000_000);
        var device = new Option<string>("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for torch (0: torch's default)." }.InRange(0, OptionRules.MaxThreads);
        var resume = new Option<bool>("--resume") { Description = "Continue an interrupted run in --output from its last resume point (an error when there is none)." };
        var force = new Option<bool>("--force") { Description = "Replace a finished adaptation (adapt.json) or an interrupted run's resume point in --output; without it such a folder is refused." };
        var compute = new ComputeFlags();
        var data = DataOptions.Create();
        data.ExcludeTextsFrom.Description = "Texts of this file never enter the corpus (e.g. a held-out evaluation file). The --data split is made without it.";
        data.Data!.Description = "Labelled file (optional): its train split joins the corpus; its validation and test texts are kept out (same split as ppkm train with the same data options).";

        var command = new Command("adapt", "Adapt an encoder to a language and domain with masked-LM training on unlabelled text, optionally moving it to a new vocabulary first.");
        command.Arguments.Add(model);
        foreach (var o in new Option[] { output, corpus, vocab, epochs, maxSteps, lr, batchSize, maxLength, warmup, mask, wholeWord, evalEvery, saveEvery, device, threads, resume, force }.Concat(compute.All))
            command.Options.Add(o);
        data.Add(command);
        SettingFlags.Bind(command, nameof(AdaptationRunOptions.VocabularyPath), vocab);
        command.SetAction((p, ct) =>
        {
            var console = CliConsole.For(p);
            var modelPath = p.GetValue(model)!;
            CheckpointLoader.CheckFolder(modelPath, ModelMaxLength.Typed(p, maxLength));
            var files = p.GetValue(corpus) ?? [];
            var dataPath = p.GetValue(data.Data!);
            if (files.Length == 0 && dataPath is null) throw new UserInputException("no text to adapt on: pass --corpus FILE (and/or --data FILE).");
            var vocabPath = p.GetValue(vocab);
            if (vocabPath is not null && !File.Exists(vocabPath) && !Directory.Exists(vocabPath)) throw new UserInputException($"{vocabPath}: vocabulary file not found.");
            var options = new AdaptationRunOptions
            {
                ModelPath = modelPath, OutputPath = p.GetValue(output)!, VocabularyPath = vocabPath, Epochs = p.GetValue(epochs), MaxSteps = p.GetValue(maxSteps),
                LearningRate = p.GetValue(lr), BatchSize = p.GetValue(batchSize), MaxLength = ModelMaxLength.Resolve(p, maxLength, modelPath), WarmupRatio = p.GetValue(warmup),
                Masking = new MaskingOptions { Probability = p.GetValue(mask), WholeWord = p.GetValue(wholeWord) },
                EvalEvery = p.GetValue(evalEvery), SaveEvery = p.GetValue(saveEvery), Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                Resume = p.GetValue(resume), Force = p.GetValue(force), Seed = p.GetValue(data.Seed), Compute = compute.Read(p),
            };
            options.Validate();
            // Before minutes of corpus loading: a wrong --resume, or a folder whose finished or interrupted run would be lost.
            TrainingOutputCheck.Check(options);
            OutputOverlap.CheckFolderOfFiles(options.OutputPath, [modelPath, .. files, .. data.InputPaths(p), .. new[] { vocabPath }.OfType<string>()]);
            var loaded = LoadCorpus(p, data, files, dataPath);
            console.MarkupLine(Markup.Escape($"corpus: {loaded.Corpus.Train.Count:N0} training texts, {loaded.Corpus.HeldOut.Count:N0} held back for the loss curve, {loaded.Corpus.Duplicates:N0} duplicates and {loaded.Corpus.Excluded:N0} evaluation texts left out"));
            foreach (var (source, rows) in loaded.Corpus.Sources) console.MarkupLine(Markup.Escape($"  {rows,8:N0}  {source}"));
            console.MarkupLine(Markup.Escape($"vocabulary: {(vocabPath ?? "the model's own")}; lr {options.LearningRate:G}, batch {options.BatchSize}, max length {options.MaxLength}, attention {options.Compute.AttentionName}, precision {options.Compute.PrecisionName}, dropout {options.Compute.DropoutName}, {(options.MaxSteps is { } m ? $"at most {m} steps" : $"{options.Epochs} epoch(s)")}, seed {options.Seed}"));

            using var interrupt = new InterruptScope(ct);
            try
            {
                var result = CliProgress.Run(console, progress => DomainAdapter.Run(options, loaded.Corpus, loaded.Details, new SyncProgress<TrainingProgress>(t =>
                {
                    if (t.Phase == TrainingPhase.Validate) { console.MarkupLine(Markup.Escape($"step {t.GlobalStep}/{t.TotalSteps}: held-out MLM loss {t.Loss:0.000}")); return; }
                    var eta = t.Eta is { } e ? e.ToString(@"hh\:mm\:ss") : "?";
                    progress.Report($"epoch {t.Epoch}/{t.Epochs}", t.Step, t.StepsPerEpoch, $"loss {t.Loss:0.000} lr {t.LearningRate:0.0e0} {t.StepsPerSecond:0.00} steps/s ETA {eta}");
                }), interrupt.Token));
                if (result.Transfer is { } plan)
                    console.MarkupLine(Markup.Escape($"vocabulary transfer: {plan.Count(VocabularyTransferKind.Copied):N0} shared tokens copied, {plan.Count(VocabularyTransferKind.MeanOfPieces):N0} from the mean of {plan.MeanPiecesPerAveragedToken:0.00} old pieces, {plan.Count(VocabularyTransferKind.SpecialRole)} special by role, {plan.Count(VocabularyTransferKind.Unknown)} from [UNK]"));
                var last = result.Curve.LastOrDefault();
                console.MarkupLine(Markup.Escape($"Adapted in {result.WallTime:hh\\:mm\\:ss}: {result.Steps} steps, held-out MLM loss {result.Curve.FirstOrDefault()?.HeldOutLoss:0.000} → {last?.HeldOutLoss:0.000}. Checkpoint: {result.OutputPath} (fine-tune it with ppkm train; the MLM head is left out there)."));
                return Task.FromResult(0);
            }
            catch (OperationCanceledException) when (interrupt.Interrupted)
            {
                // With --force the run keeps no resume point until it has saved one of its own: the replaced run's files are back instead.
                console.MarkupLine(File.Exists(Path.Combine(options.OutputPath, TrainingOutputCheck.AdaptationResumePointFile))
                    ? $"[yellow]Interrupted.[/] A resume point is in {Markup.Escape(options.OutputPath)}; continue with --resume."
                    : $"[yellow]Interrupted[/] before the first resume point: there is nothing to resume, and {Markup.Escape(options.OutputPath)} is as it was before the run.");
                return Task.FromResult(130);
            }
        });
        return command;
    }

    private static (AdaptationCorpus Corpus, AdaptCorpusDetailsRecord Details) LoadCorpus(ParseResult p, DataOptions data, string[] files, string? dataPath)
    {
        var textColumn = p.GetValue(data.TextColumn);
        var excludeFile = p.GetValue(data.ExcludeTextsFrom);
        var excluded = new List<string>();
        var extra = new List<(string, IEnumerable<string>)>();
        AdaptLabelledSplitRecord? split = null;
        if (dataPath is not null)
        {
            // The split ppkm train makes from the same options: its evaluation texts never reach the masked LM.
            var prepared = PreparedData.Prepare(data.ToLoadOptions(p) with { ExcludeTextsFrom = null });
            excluded.AddRange(prepared.Split.Validation.Rows.Select(r => r.Text));
            excluded.AddRange(prepared.Split.Test.Rows.Select(r => r.Text));
            extra.Add(($"{dataPath} (train split)", prepared.Split.Train.Rows.Select(r => r.Text)));
            split = new AdaptLabelledSplitRecord
            {
                Data = Path.GetFullPath(dataPath), Fingerprint = prepared.Split.Fingerprint, Train = prepared.Split.Train.Rows.Count,
                ExcludedValidation = prepared.Split.Validation.Rows.Count, ExcludedTest = prepared.Split.Test.Rows.Count,
            };
        }
        if (excludeFile is not null) excluded.AddRange(TextRowReader.ReadAllTexts(excludeFile));
        // --text-column names the corpus files' column only when --data does not claim it.
        var corpus = AdaptationCorpus.Load(files, dataPath is null ? textColumn : null, extra, excluded, heldOutShare: 0.02);
        return (corpus, new AdaptCorpusDetailsRecord
        {
            LabelledSplit = split, ExcludedTextsFrom = excludeFile is null ? null : Path.GetFullPath(excludeFile), ExcludedTexts = excluded.Count,
            Matching = "TextMatchKey: lower-cased letters and digits, mentions and links removed",
        });
    }
}
