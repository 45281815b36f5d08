using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

/// <summary>Tiny configurations, a small vocabulary and a separable synthetic dataset for fast tests.</summary>
internal static class TinyModels
{
    public static readonly string[] Labels = { "negative", "positive" };

    public static readonly string[] PositiveWords = { "good", "great", "happy", "love", "nice" };
    public static readonly string[] NegativeWords = { "bad", "awful", "sad", "hate", "poor" };
    public static readonly string[] FillerWords = { "the", "a", "movie", "food", "day", "is", "was", "very", "so", "really", "today", "it", "this", "service", "place" };

    public static IEnumerable<string> Vocabulary()
    {
        yield return "[PAD]";
        yield return "[UNK]";
        yield return "[CLS]";
        yield return "[SEP]";
        yield return "[MASK]";
        foreach (var w in PositiveWords.Concat(NegativeWords).Concat(FillerWords)) yield return w;
        for (char c = 'a'; c <= 'z'; c++) { yield return c.ToString(); yield return "##" + c; }
        foreach (var p in new[] { ".", ",", "!", "?" }) yield return p;
    }

    public static ModelConfig Bert(int layers = 2, int hidden = 32, int heads = 4, int intermediate = 64, string act = "gelu", int labels = 2) => new()
    {
        Architecture = ModelArchitecture.Bert,
        VocabSize = Vocabulary().Count() + 3, // embedding rows beyond the vocabulary, as in IndoBERT
        HiddenSize = hidden,
        NumHiddenLayers = layers,
        NumAttentionHeads = heads,
        IntermediateSize = intermediate,
        MaxPositionEmbeddings = 64,
        TypeVocabSize = 2,
        HiddenAct = act,
        Labels = Labels.Take(labels).Concat(Enumerable.Range(0, Math.Max(0, labels - Labels.Length)).Select(i => $"extra{i}")).ToArray(),
    };

    public static ModelConfig DistilBert(int layers = 2, int hidden = 32, int heads = 4, int intermediate = 64, string act = "gelu") =>
        Bert(layers, hidden, heads, intermediate, act) with { Architecture = ModelArchitecture.DistilBert, TypeVocabSize = 0, ClassifierDropout = 0.2 };

    public static void WriteTokenizer(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", Vocabulary()) + "\n");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"do_lower_case\": true, \"model_max_length\": 64}");
    }

    /// <summary>A freshly initialised model (seeded) saved as a checkpoint folder with a tokenizer.</summary>
    public static string SaveFresh(ModelConfig config, string folder, int seed = 1)
    {
        torch.manual_seed(seed);
        using var model = SequenceClassifierFactory.Create(config);
        WriteTokenizer(folder);
        ModelCheckpoint.Save(model, folder, tokenizerFolder: null);
        return folder;
    }

    /// <summary>Texts made of filler words plus one or two sentiment words; the label is the sentiment's.</summary>
    public static List<LabelledText> Separable(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new List<LabelledText>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(2);
            var cue = label == 1 ? PositiveWords : NegativeWords;
            var words = new List<string>();
            int length = random.Next(2, 9);
            for (int j = 0; j < length; j++) words.Add(FillerWords[random.Next(FillerWords.Length)]);
            words.Insert(random.Next(words.Count + 1), cue[random.Next(cue.Length)]);
            if (random.Next(2) == 0) words.Insert(random.Next(words.Count + 1), cue[random.Next(cue.Length)]);
            rows.Add(new LabelledText(string.Join(' ', words), label));
        }
        return rows;
    }

    public static DatasetSplit SeparableSplits(int train = 160, int validation = 40, int test = 40) =>
        new(new TextClassificationDataset(Separable(train, 11), Labels, "synthetic"), new TextClassificationDataset(Separable(validation, 12), Labels, "synthetic"),
            new TextClassificationDataset(Separable(test, 13), Labels, "synthetic"), Seed: 0);

    /// <summary>Three rows of six tokens, two of them padded (ids 0, mask 0 at the tail), so the additive mask matters.</summary>
    public static readonly EncodedBatch PaddedBatch = new(
        new long[] { 2, 5, 6, 20, 7, 3, 2, 10, 11, 3, 0, 0, 2, 7, 3, 0, 0, 0 },
        new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0 },
        new long[18], 3, 6);

    public static TrainingRunOptions FastOptions(string model, string output) => new()
    {
        ModelPath = model,
        OutputPath = output,
        LearningRate = 2e-3,
        BatchSize = 16,
        EvalBatchSize = 32,
        Epochs = 3,
        MaxLength = 16,
        Device = "cpu",
        Seed = 7,
    };
}
