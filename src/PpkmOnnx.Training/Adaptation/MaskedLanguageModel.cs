using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// A BERT/DistilBERT encoder with a masked-LM head (transformers' <c>BertForMaskedLM</c> / <c>DistilBertForMaskedLM</c>),
/// for domain-adaptive pretraining. The loss is computed on the masked positions only, so the vocabulary-wide decoder
/// runs on about 15 % of the tokens. Saved folders hold the encoder (with its pooler, which a later classifier reuses)
/// and the head under Hugging Face names; <c>ppkm train</c> loads them and leaves the head out.
/// </summary>
public sealed class MaskedLanguageModel : IDisposable
{
    /// <summary>Label value of positions that are not predicted (transformers' ignore index).</summary>
    public const long IgnoredLabel = -100;

    private readonly Parameter _wordEmbeddings;

    private MaskedLanguageModel(SequenceClassifier encoder, MaskedLanguageModelHead head, IReadOnlyList<string> freshHead)
    {
        Encoder = encoder;
        Head = head;
        FreshHeadTensors = freshHead;
        var name = encoder.BaseModelPrefix + "embeddings.word_embeddings.weight";
        _wordEmbeddings = encoder.named_parameters().First(p => p.name == name).parameter;
    }

    /// <summary>The encoder (its classification head is unused and never saved).</summary>
    public SequenceClassifier Encoder { get; }

    /// <summary>The masked-LM head.</summary>
    public MaskedLanguageModelHead Head { get; }

    /// <summary>Head tensors that were not in the source checkpoint and start fresh.</summary>
    public IReadOnlyList<string> FreshHeadTensors { get; }

    /// <summary>The configuration (no labels; the vocabulary size of the word embeddings).</summary>
    public ModelConfig Config => Encoder.Config;

    /// <summary>
    /// Builds the model from checkpoint tensors. When <paramref name="transfer"/> is given, the word embeddings and the
    /// output bias move to the new vocabulary first (see <see cref="VocabularyTransfer"/>).
    /// </summary>
    /// <param name="config">The source configuration.</param>
    /// <param name="tensors">The source's tensors (Hugging Face names, with or without the base-model prefix).</param>
    /// <param name="source">Names the tensors in errors.</param>
    /// <param name="transfer">The vocabulary plan and the new pad id, or null to keep the vocabulary.</param>
    /// <param name="compute">How the encoder computes (<see cref="ModelComputeOptions.Default"/> when null); the head stays float32.</param>
    /// <exception cref="UserInputException">The tensors do not match the configuration.</exception>
    public static MaskedLanguageModel Create(ModelConfig config, IReadOnlyDictionary<string, TensorData> tensors, string source,
        (VocabularyTransferPlan Plan, int PadId)? transfer = null, ModelComputeOptions? compute = null)
    {
        var working = new Dictionary<string, TensorData>(tensors, StringComparer.Ordinal);
        config = config with { Labels = Array.Empty<string>() };
        var prefix = config.Architecture == ModelArchitecture.Bert ? "bert." : "distilbert.";
        var biasName = config.Architecture == ModelArchitecture.Bert ? "cls.predictions.bias" : "vocab_projector.bias";
        if (transfer is { } t)
        {
            var embeddingName = new[] { prefix + "embeddings.word_embeddings.weight", "embeddings.word_embeddings.weight" }.FirstOrDefault(working.ContainsKey)
                ?? throw new UserInputException($"{source}: no word-embedding tensor (embeddings.word_embeddings.weight).");
            working[embeddingName] = VocabularyTransfer.Apply(t.Plan, working[embeddingName]);
            if (working.TryGetValue(biasName, out var bias)) working[biasName] = VocabularyTransfer.Apply(t.Plan, bias);
            // transformers drops the tied decoder weight on save; an old copy of it would have the old vocabulary's rows.
            working.Remove("cls.predictions.decoder.weight");
            working.Remove("cls.predictions.decoder.bias");
            working.Remove("vocab_projector.weight");
            config = config with { VocabSize = t.Plan.Rows.Count, PadTokenId = t.PadId };
        }
        var encoder = SequenceClassifierFactory.Create(config, compute);
        MaskedLanguageModelHead? head = null;
        try
        {
            CheckpointLoader.Assign(encoder, working, source);
            head = new MaskedLanguageModelHead(config);
            var fresh = LoadHead(head, working, source);
            return new MaskedLanguageModel(encoder, head, fresh);
        }
        catch
        {
            encoder.Dispose();
            head?.Dispose();
            throw;
        }
    }

    /// <summary>Overwrites every parameter with <paramref name="tensors"/> (a resume point written by <see cref="NamedTensors"/>).</summary>
    /// <exception cref="UserInputException">A tensor is missing or has another shape.</exception>
    public void Load(IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        CheckpointLoader.Assign(Encoder, tensors, source);
        var fresh = LoadHead(Head, tensors, source);
        if (fresh.Count > 0) throw new UserInputException($"{source}: lacks the masked-LM head tensors {string.Join(", ", fresh)}.");
    }

    private static List<string> LoadHead(MaskedLanguageModelHead head, IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        var fresh = new List<string>();
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in head.HuggingFaceParameters())
        {
            if (!tensors.TryGetValue(name, out var data)) { fresh.Add(name); continue; }
            if (!p.shape.SequenceEqual(data.Shape))
                throw new UserInputException($"{source}: {name} is {data.ShapeText} in the checkpoint but [{string.Join(", ", p.shape)}] in the model.");
            using var src = torch.tensor(data.Data, data.Shape, dtype: p.dtype);
            p.copy_(src);
        }
        return fresh;
    }

    /// <summary>Moves the parameters to <paramref name="device"/>.</summary>
    public void To(Device device)
    {
        Encoder.to(device);
        Head.to(device);
    }

    /// <summary>Switches dropout on (training) or off.</summary>
    public void Train(bool on)
    {
        Encoder.train(on);
        Head.train(on);
    }

    /// <summary>
    /// Parameters that masked-LM training updates, by Hugging Face name: the encoder without its pooler and
    /// classification head (no gradient reaches them) and the MLM head.
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters() =>
        Encoder.named_parameters()
            .Where(p => p.name.StartsWith(Encoder.BaseModelPrefix, StringComparison.Ordinal)
                        && !p.name.StartsWith(Encoder.BaseModelPrefix + "pooler.", StringComparison.Ordinal))
            .Select(p => (p.name, p.parameter))
            .Concat(Head.HuggingFaceParameters())
            .ToList();

    /// <summary>
    /// Mean cross-entropy over the positions of <paramref name="labels"/> that are not <see cref="IgnoredLabel"/>.
    /// </summary>
    /// <param name="inputIds">Masked input ids, int64 <c>[batch, sequence]</c>.</param>
    /// <param name="attentionMask">1 for real tokens, int64 <c>[batch, sequence]</c>.</param>
    /// <param name="labels">Original ids at predicted positions, <see cref="IgnoredLabel"/> elsewhere.</param>
    public Tensor Loss(Tensor inputIds, Tensor attentionMask, Tensor labels)
    {
        var hidden = Encoder.Encode(inputIds, attentionMask, torch.zeros_like(inputIds));
        var flatLabels = labels.reshape(-1);
        var positions = flatLabels.ne(IgnoredLabel).nonzero().squeeze(1);
        var picked = hidden.reshape(-1, hidden.shape[2]).index_select(0, positions);
        var logits = Head.Logits(picked, _wordEmbeddings);
        return nn.functional.cross_entropy(logits, flatLabels.index_select(0, positions));
    }

    /// <summary>Every saved tensor by Hugging Face name (encoder with prefix and pooler, head), CPU float32.</summary>
    public Dictionary<string, TensorData> NamedTensors()
    {
        var result = Encoder.NamedTensors()
            .Where(kv => kv.Key.StartsWith(Encoder.BaseModelPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, p) in Head.HuggingFaceParameters())
            result[name] = new TensorData(p.shape.ToArray(), p.detach().to(torch.float32).cpu().contiguous().data<float>().ToArray());
        return result;
    }

    /// <summary>
    /// Writes a Hugging Face <c>BertForMaskedLM</c>/<c>DistilBertForMaskedLM</c> folder: model.safetensors, config.json and
    /// the tokenizer files of <paramref name="tokenizer"/>, each atomically.
    /// </summary>
    public void Save(string folder, BertWordPieceTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Directory.CreateDirectory(folder);
        SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), NamedTensors());
        var extra = (System.Text.Json.Nodes.JsonObject)Config.Extra.DeepClone();
        extra["architectures"] = new System.Text.Json.Nodes.JsonArray(Config.Architecture == ModelArchitecture.Bert ? "BertForMaskedLM" : "DistilBertForMaskedLM");
        extra["tie_word_embeddings"] = true;
        (Config with { Extra = extra }).Save(folder);
        tokenizer.Save(folder);
    }

    /// <summary>Releases the native tensors.</summary>
    public void Dispose()
    {
        Encoder.Dispose();
        Head.Dispose();
    }
}
