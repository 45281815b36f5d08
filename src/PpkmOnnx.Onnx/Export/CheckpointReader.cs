using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.Export;

/// <summary>
/// Reads a Hugging Face checkpoint folder (config.json + model.safetensors) into <see cref="TransformerWeights"/>:
/// BERT with or without the <c>bert.</c> prefix (classification models, or base models such as an imported MiniLM),
/// and DistilBERT with the <c>distilbert.</c> prefix or without. Every tensor's shape is checked against the config.
/// </summary>
public static class CheckpointReader
{
    /// <summary>The weights file of a checkpoint folder.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>Reads <paramref name="folder"/>.</summary>
    /// <exception cref="UserInputException">The folder does not exist.</exception>
    /// <exception cref="UserInputException">A file is missing or corrupt, a tensor is missing, or a shape disagrees with config.json.</exception>
    public static TransformerWeights Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: checkpoint folder not found.");
        var config = ModelConfig.Load(folder);
        var path = Path.Combine(folder, WeightsFile);
        if (!File.Exists(path)) throw new UserInputException($"{path}: {WeightsFile} not found (expected a Hugging Face checkpoint folder).");
        return FromTensors(config, SafeTensorsFile.Read(path), path);
    }

    /// <summary>Maps named tensors onto roles; <paramref name="source"/> names them in errors.</summary>
    public static TransformerWeights FromTensors(ModelConfig config, IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        var t = new TensorLookup(tensors, source);
        config.CheckBuildable(source);
        int h = config.HiddenSize, ffn = config.IntermediateSize;
        return config.Architecture == ModelArchitecture.Bert ? ReadBert(config, t, h, ffn) : ReadDistilBert(config, t, h, ffn);
    }

    /// <summary>Where an architecture keeps its layers' tensors: the layer list under the prefix, then each role's name in a layer.</summary>
    private sealed record LayerNames(string Layers, string Query, string Key, string Value, string AttentionOutput, string AttentionNorm, string Intermediate, string Output, string OutputNorm);

    private static readonly LayerNames BertNames = new("encoder.layer.", "attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm");

    private static readonly LayerNames DistilBertNames = new("transformer.layer.", "attention.q_lin", "attention.k_lin", "attention.v_lin",
        "attention.out_lin", "sa_layer_norm", "ffn.lin1", "ffn.lin2", "output_layer_norm");

    private static TransformerWeights ReadBert(ModelConfig config, TensorLookup t, int h, int ffn)
    {
        var p = t.Has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        var layers = ReadLayers(config, t, p + BertNames.Layers, BertNames, h, ffn);
        var classifier = Head(config, t, h);
        return new TransformerWeights
        {
            Config = config,
            WordEmbeddings = t.Tensor($"{p}embeddings.word_embeddings.weight", config.VocabSize, h),
            PositionEmbeddings = t.Tensor($"{p}embeddings.position_embeddings.weight", config.MaxPositionEmbeddings, h),
            TokenTypeEmbeddings = t.Tensor($"{p}embeddings.token_type_embeddings.weight", config.TypeVocabSize, h),
            EmbeddingNorm = t.Norm($"{p}embeddings.LayerNorm", h),
            Layers = layers,
            Pooler = t.Has($"{p}pooler.dense.weight") ? t.Linear($"{p}pooler.dense", h, h) : null,
            Classifier = classifier,
        };
    }

    private static TransformerWeights ReadDistilBert(ModelConfig config, TensorLookup t, int h, int ffn)
    {
        var p = t.Has("distilbert.embeddings.word_embeddings.weight") ? "distilbert." : "";
        var layers = ReadLayers(config, t, p + DistilBertNames.Layers, DistilBertNames, h, ffn);
        var classifier = Head(config, t, h);
        return new TransformerWeights
        {
            Config = config,
            WordEmbeddings = t.Tensor($"{p}embeddings.word_embeddings.weight", config.VocabSize, h),
            PositionEmbeddings = t.Tensor($"{p}embeddings.position_embeddings.weight", config.MaxPositionEmbeddings, h),
            EmbeddingNorm = t.Norm($"{p}embeddings.LayerNorm", h),
            Layers = layers,
            PreClassifier = classifier is null ? null : t.Linear("pre_classifier", h, h),
            Classifier = classifier,
        };
    }

    /// <summary>Every layer config.json names (none more), each role's shape checked; <paramref name="layers"/> is the list's full prefix.</summary>
    private static List<EncoderLayerWeights> ReadLayers(ModelConfig config, TensorLookup t, string layers, LayerNames n, int h, int ffn)
    {
        var list = new List<EncoderLayerWeights>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            var l = $"{layers}{i}.";
            int a = config.HeadsInLayer(i) * config.HeadSize; // smaller than h in a layer with pruned heads
            list.Add(new EncoderLayerWeights(
                t.Linear(l + n.Query, a, h), t.Linear(l + n.Key, a, h), t.Linear(l + n.Value, a, h),
                t.Linear(l + n.AttentionOutput, h, a), t.Norm(l + n.AttentionNorm, h),
                t.Linear(l + n.Intermediate, ffn, h), t.Linear(l + n.Output, h, ffn), t.Norm(l + n.OutputNorm, h)));
        }
        t.RejectExtraLayer($"{layers}{config.NumHiddenLayers}.", config.NumHiddenLayers);
        return list;
    }

    private static LinearWeights? Head(ModelConfig config, TensorLookup t, int h)
    {
        bool has = t.Has("classifier.weight");
        if (config.NumLabels == 0 && has)
            throw new UserInputException($"{t.Source}: the checkpoint has a classifier but config.json has no id2label (architectures must name a ...ForSequenceClassification model).");
        if (config.NumLabels > 0 && !has)
            throw new UserInputException($"{t.Source}: config.json names {config.NumLabels} labels but the checkpoint has no 'classifier.weight'.");
        return has ? t.Linear("classifier", config.NumLabels, h) : null;
    }

    private sealed class TensorLookup(IReadOnlyDictionary<string, TensorData> tensors, string source)
    {
        public string Source => source;

        public bool Has(string name) => tensors.ContainsKey(name);

        public float[] Tensor(string name, params long[] shape)
        {
            if (!tensors.TryGetValue(name, out var tensor))
                throw new UserInputException($"{source}: tensor '{name}' is missing (expected shape [{string.Join(", ", shape)}]).");
            if (!tensor.Shape.SequenceEqual(shape))
                throw new UserInputException($"{source}: tensor '{name}' has shape {tensor.ShapeText} but config.json implies [{string.Join(", ", shape)}].");
            return tensor.Data;
        }

        public LinearWeights Linear(string prefix, int outFeatures, int inFeatures) =>
            new(Tensor(prefix + ".weight", outFeatures, inFeatures), Tensor(prefix + ".bias", outFeatures), outFeatures, inFeatures);

        // Checkpoints saved by old transformers versions name LayerNorm parameters gamma/beta.
        public LayerNormWeights Norm(string prefix, int size) =>
            !Has(prefix + ".weight") && Has(prefix + ".gamma")
                ? new(Tensor(prefix + ".gamma", size), Tensor(prefix + ".beta", size))
                : new(Tensor(prefix + ".weight", size), Tensor(prefix + ".bias", size));

        public void RejectExtraLayer(string prefix, int configured)
        {
            if (tensors.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                throw new UserInputException($"{source}: the checkpoint has more encoder layers than the {configured} config.json names.");
        }
    }
}
