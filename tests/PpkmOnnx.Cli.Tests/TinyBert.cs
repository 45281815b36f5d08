using System.Text.RegularExpressions;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Cli.Tests;

/// <summary>A random tiny BERT checkpoint to train and export in tests.</summary>
internal static partial class TinyBert
{
    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();

    /// <summary>
    /// A random 2-layer BERT (hidden 32, 4 heads) whose vocabulary is the demo tweets' words plus single characters,
    /// so every demo text tokenizes without [UNK] floods. Without <paramref name="classifier"/> it is a base model (no head,
    /// as an imported encoder is), which <c>ppkm adapt</c> takes.
    /// </summary>
    public static string Write(string folder, string demoFile, bool classifier = true)
    {
        Directory.CreateDirectory(folder);
        var words = WordPattern().Matches(File.ReadAllText(demoFile).ToLowerInvariant()).Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
        var characters = "abcdefghijklmnopqrstuvwxyz0123456789".Select(c => c.ToString());
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }
            .Concat(characters).Concat(characters.Select(c => "##" + c)).Concat(".,!?#@:;-/()'\"".Select(c => c.ToString()))
            .Concat(words).Distinct().ToList();
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"do_lower_case\": true, \"model_max_length\": 64}");
        var config = new ModelConfig
        {
            Architecture = ModelArchitecture.Bert,
            VocabSize = vocab.Count,
            HiddenSize = 32,
            NumHiddenLayers = 2,
            NumAttentionHeads = 4,
            IntermediateSize = 64,
            MaxPositionEmbeddings = 64,
            TypeVocabSize = 2,
            HiddenAct = "gelu",
            Labels = classifier ? ["negative", "neutral", "positive"] : [],
        };
        torch.manual_seed(3);
        using var model = SequenceClassifierFactory.Create(config);
        ModelCheckpoint.Save(model, folder, tokenizerFolder: null);
        return folder;
    }
}
