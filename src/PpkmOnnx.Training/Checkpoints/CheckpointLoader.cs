using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Checkpoints;

/// <summary>
/// Builds a <see cref="SequenceClassifier"/> from a Hugging Face folder (config.json + model.safetensors), strictly:
/// every checkpoint tensor must match a parameter by name and shape. Missing parameters (a base model's pooler or
/// classification head) are initialised as transformers does and reported; names without the <c>bert.</c> /
/// <c>distilbert.</c> prefix (base-model checkpoints) are accepted as transformers accepts them.
/// </summary>
public static class CheckpointLoader
{
    private static readonly string[] IgnoredPrefixes = { "cls.", "vocab_transform.", "vocab_layer_norm.", "vocab_projector." };

    /// <summary>Loads <paramref name="folder"/>.</summary>
    /// <exception cref="UserInputException">Missing files, unexpected tensor names or shape mismatches (all listed).</exception>
    public static LoadedCheckpoint Load(string folder, CheckpointLoadOptions? options = null)
    {
        options ??= new CheckpointLoadOptions();
        var config = ModelConfig.Load(folder);
        var weightsPath = WeightsPath(folder);
        IReadOnlyDictionary<string, TensorData> tensors = SafeTensorsFile.Read(weightsPath);
        string? headOutcome = null;
        if (options.Labels is { Count: > 0 } labels)
        {
            // Classes are matched by name, never by position (see HeadLabelMatching).
            (tensors, headOutcome) = HeadLabelMatching.Fit(tensors, config.Labels, labels, folder);
            config = config with { Labels = labels.ToArray() };
        }
        var model = SequenceClassifierFactory.Create(config, options.Compute);
        try
        {
            var (fresh, ignored) = Assign(model, tensors, weightsPath);
            if (options.Device is { } device && device != "cpu") model.to(torch.device(device));
            return new LoadedCheckpoint(model, folder, fresh, ignored) { HeadOutcome = headOutcome };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks, without reading the weights, what training from <paramref name="folder"/> needs: a readable config.json,
    /// model.safetensors, a vocabulary whose ids all index the embedding table, and, when a <paramref name="maxLength"/> is
    /// given, positions for that many tokens. The commands and trainers call it before reading their data, so a wrong folder or length
    /// is refused in a moment instead of failing inside libtorch.
    /// </summary>
    /// <exception cref="UserInputException">A missing folder or file, a config.json <see cref="ModelConfig.Load"/> refuses,
    /// a vocabulary larger than the embedding table, or <paramref name="maxLength"/> beyond max_position_embeddings.</exception>
    public static void CheckFolder(string folder, int? maxLength = null)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: model folder not found (expected a Hugging Face folder with config.json and model.safetensors).");
        var config = ModelConfig.Load(folder);
        WeightsPath(folder);
        var tokenizer = BertWordPieceTokenizer.FromFolder(folder);
        ModelPackage.RequireVocabularyFits(tokenizer.VocabularySize, config.VocabSize, Path.Combine(folder, ModelPackage.VocabularyFile), "config.json's vocab_size");
        if (maxLength > config.MaxPositionEmbeddings)
            throw new UserInputException($"{Path.Combine(folder, "config.json")}: max length {maxLength} exceeds the model's max_position_embeddings {config.MaxPositionEmbeddings}; "
                + $"texts can be at most {config.MaxPositionEmbeddings} tokens long.");
    }

    private static string WeightsPath(string folder)
    {
        var path = Path.Combine(folder, ModelCheckpoint.WeightsFile);
        if (!File.Exists(path)) throw new UserInputException($"{path}: model.safetensors not found (only safetensors checkpoints are supported).");
        return path;
    }

    /// <summary>
    /// Copies <paramref name="tensors"/> into <paramref name="model"/> under the strict rules above and returns the
    /// parameters left at their fresh initialisation and the checkpoint tensors ignored.
    /// </summary>
    public static (IReadOnlyList<string> NewlyInitialized, IReadOnlyList<string> Ignored) Assign(
        SequenceClassifier model, IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var headNames = parameters.Keys.Where(n => !n.StartsWith(model.BaseModelPrefix, StringComparison.Ordinal)).ToHashSet();
        var unexpected = new List<string>();
        var mismatched = new List<string>();
        var ignored = new List<string>();
        var assigned = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (rawName, data) in tensors)
        {
            if (rawName.EndsWith("position_ids", StringComparison.Ordinal) || IgnoredPrefixes.Any(p => rawName.StartsWith(p, StringComparison.Ordinal)))
            {
                ignored.Add(rawName);
                continue;
            }
            var name = parameters.ContainsKey(rawName) || headNames.Contains(rawName) ? rawName : model.BaseModelPrefix + rawName;
            if (!parameters.TryGetValue(name, out var p)) { unexpected.Add(rawName); continue; }
            if (!p.shape.SequenceEqual(data.Shape))
            {
                mismatched.Add($"{rawName} is {data.ShapeText} in the checkpoint but [{string.Join(", ", p.shape)}] in the model");
                continue;
            }
            assigned[name] = data;
        }
        if (unexpected.Count > 0 || mismatched.Count > 0)
        {
            var parts = new List<string>();
            if (unexpected.Count > 0) parts.Add($"unexpected tensors (not in {model.Config.Architecture}): {string.Join(", ", unexpected.Take(20))}{(unexpected.Count > 20 ? $" … ({unexpected.Count} in all)" : "")}");
            if (mismatched.Count > 0) parts.Add($"shape mismatches: {string.Join("; ", mismatched.Take(20))}{(mismatched.Count > 20 ? $" … ({mismatched.Count} in all)" : "")}");
            throw new UserInputException($"{source}: checkpoint does not match config.json — {string.Join(" | ", parts)}.");
        }
        var fresh = parameters.Keys.Where(n => !assigned.ContainsKey(n)).ToList();
        var freshBase = fresh.Where(n => n.StartsWith(model.BaseModelPrefix, StringComparison.Ordinal)
            && !n.StartsWith(model.BaseModelPrefix + "pooler.", StringComparison.Ordinal)).ToList();
        if (freshBase.Count > 0)
            throw new UserInputException($"{source}: checkpoint lacks encoder tensors: {string.Join(", ", freshBase.Take(20))}{(freshBase.Count > 20 ? $" … ({freshBase.Count} in all)" : "")}.");
        using (torch.no_grad())
        {
            foreach (var (name, data) in assigned)
            {
                var p = parameters[name];
                using var src = torch.tensor(data.Data, data.Shape, dtype: p.dtype, device: p.device);
                p.copy_(src);
            }
        }
        model.InitializeWeights(fresh);
        return (fresh, ignored);
    }
}
