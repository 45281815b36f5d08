using System.Text.Json.Nodes;
using PpkmOnnx.Core.Packaging.Records;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Performance;
using TorchSharp;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>The adapt.json record (<see cref="AdaptRecord"/>) of a finished adaptation run.</summary>
internal static class AdaptationRecord
{
    private const string TransferMethod = "Fast Vocabulary Transfer: shared tokens copied, special tokens by role, others the mean of their old pieces";
    private const string Optimizer = "AdamW(beta1=0.9, beta2=0.999, eps=1e-8; no decay on bias/LayerNorm; flat buffers, FlatAdamW)";
    private const string Schedule = "linear warmup then linear decay to 0";

    /// <summary>The record of the run <paramref name="r"/> made with <paramref name="o"/>.</summary>
    public static AdaptRecord Create(AdaptationRunOptions o, AdaptationCorpus corpus, AdaptCorpusDetailsRecord? details, MaskedLanguageModel model,
        BertWordPieceTokenizer tokenizer, BertWordPieceTokenizer sourceTokenizer, AdaptationResult r, double seconds, bool cuda) => new()
    {
        Stage = "adapt",
        Status = "completed",
        Model = Path.GetFullPath(o.ModelPath),
        Architecture = model.Config.Architecture.ToString(),
        Vocabulary = new AdaptVocabularyRecord
        {
            Source = o.VocabularyPath is null ? "kept" : Path.GetFullPath(o.VocabularyPath),
            SourceSize = sourceTokenizer.VocabularySize,
            Size = tokenizer.VocabularySize,
            Transfer = r.Transfer is not { } p ? null : new AdaptTransferRecord
            {
                Method = TransferMethod,
                Copied = p.Count(VocabularyTransferKind.Copied),
                SpecialRole = p.Count(VocabularyTransferKind.SpecialRole),
                MeanOfPieces = p.Count(VocabularyTransferKind.MeanOfPieces),
                Unknown = p.Count(VocabularyTransferKind.Unknown),
                MeanPiecesPerAveragedToken = Math.Round(p.MeanPiecesPerAveragedToken, 3),
            },
            LowerCase = tokenizer.Settings.DoLowerCase,
        },
        Corpus = new AdaptCorpusRecord
        {
            Fingerprint = corpus.Fingerprint,
            Sources = corpus.Sources.Select(s => new AdaptCorpusSourceRecord(s.Source, s.Rows)).ToList(),
            Train = corpus.Train.Count,
            HeldOut = corpus.HeldOut.Count,
            HeldOutScored = Math.Min(o.EvalTexts, corpus.HeldOut.Count),
            Duplicates = corpus.Duplicates,
            Excluded = corpus.Excluded,
            MeanTokensPerText = Math.Round(r.MeanTokensPerText, 2),
            Details = details,
        },
        Hyperparameters = new AdaptHyperparametersRecord
        {
            LearningRate = o.LearningRate, BatchSize = o.BatchSize, MaxLength = o.MaxLength, Epochs = o.Epochs, MaxSteps = o.MaxSteps,
            WarmupRatio = o.WarmupRatio, WeightDecay = o.WeightDecay, MaxGradNorm = o.MaxGradNorm, Seed = o.Seed,
            MaskProbability = o.Masking.Probability, MaskShare = o.Masking.MaskShare, WholeWordMasking = o.Masking.WholeWord,
            Optimizer = Optimizer,
            Schedule = Schedule,
            Attention = o.Compute.AttentionName, Precision = o.Compute.PrecisionName, Dropout = o.Compute.DropoutName,
        },
        Head = new AdaptHeadRecord(r.FreshHeadTensors, "tied to the word embeddings"),
        Device = cuda ? "cuda" : "cpu",
        Threads = torch.get_num_threads(),
        Cpu = CpuFeatures.Current.Summary,
        Performance = new JsonObject(TrainingThroughput.ProcessFacts()),
        Steps = r.Steps,
        ResumedAtStep = r.ResumedAtStep,
        TrainingSeconds = Math.Round(seconds, 1),
        StepsPerSecond = Math.Round((r.Steps - r.ResumedAtStep) / Math.Max(1e-9, r.WallTime.TotalSeconds), 4),
        Curve = r.Curve,
    };
}
