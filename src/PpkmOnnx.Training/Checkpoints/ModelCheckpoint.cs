using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;

namespace PpkmOnnx.Training.Checkpoints;

/// <summary>Writes a model as a Hugging Face checkpoint folder that transformers (and every PpkmOnnx stage) loads.</summary>
public static class ModelCheckpoint
{
    /// <summary>The weights file of a Hugging Face checkpoint folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Tokenizer files copied beside the weights when the source folder has them.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } = new[] { "vocab.txt", "tokenizer_config.json", "special_tokens_map.json" };

    /// <summary>
    /// Writes config.json (with id2label/label2id), model.safetensors (Hugging Face names, float32) and the tokenizer
    /// files of <paramref name="tokenizerFolder"/> into <paramref name="folder"/>, each atomically. A model without
    /// labels is written as a base model (<c>BertModel</c>/<c>DistilBertModel</c>: no head, names without the prefix).
    /// </summary>
    public static void Save(SequenceClassifier model, string folder, string? tokenizerFolder)
    {
        OutputFolder.Create(folder);
        var tensors = model.NamedTensors();
        if (model.Config.NumLabels == 0)
            tensors = tensors.Where(kv => kv.Key.StartsWith(model.BaseModelPrefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[model.BaseModelPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
        SafeTensorsFile.Write(Path.Combine(folder, WeightsFile), tensors);
        model.Config.Save(folder);
        if (tokenizerFolder is not null) CopyTokenizer(tokenizerFolder, folder);
    }

    /// <summary>Copies the tokenizer files from <paramref name="from"/> to <paramref name="to"/> (vocab.txt normalised to LF).</summary>
    public static void CopyTokenizer(string from, string to)
    {
        if (Path.GetFullPath(from) == Path.GetFullPath(to)) return;
        foreach (var file in TokenizerFiles)
        {
            var src = Path.Combine(from, file);
            if (!File.Exists(src)) continue;
            var text = File.ReadAllText(src);
            if (file == "vocab.txt") text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
            AtomicFile.WriteAllText(Path.Combine(to, file), text);
        }
    }
}
