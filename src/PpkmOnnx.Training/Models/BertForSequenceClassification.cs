using PpkmOnnx.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// Hugging Face <c>BertForSequenceClassification</c>: embeddings (word + position + token type, LayerNorm, dropout),
/// N post-norm encoder layers, pooler (dense + tanh on [CLS]), dropout, classifier. Parameter names are
/// transformers' own (<c>bert.embeddings.word_embeddings.weight</c>, <c>bert.pooler.dense.weight</c>, <c>classifier.weight</c>…).
/// </summary>
public sealed class BertForSequenceClassification : SequenceClassifier
{
    private readonly Embedding _wordEmbeddings, _positionEmbeddings, _tokenTypeEmbeddings;
    private readonly LayerNorm _embeddingNorm;
    private readonly Layer[] _layers;
    private readonly Linear _pooler, _classifier;

    private sealed record Layer(Linear Query, Linear Key, Linear Value, Linear AttentionOutput, LayerNorm AttentionNorm,
        Linear Intermediate, Linear Output, LayerNorm OutputNorm);

    private BertForSequenceClassification(ModelConfig config, ModelComputeOptions compute) : base(nameof(BertForSequenceClassification), config, compute)
    {
        if (config.Architecture != ModelArchitecture.Bert) throw new ArgumentException("config is not a BERT configuration.", nameof(config));
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw new ArgumentException($"hidden_size {config.HiddenSize} is not a multiple of num_attention_heads {config.NumAttentionHeads}.", nameof(config));
        int h = config.HiddenSize;
        double eps = config.LayerNormEps;
        _wordEmbeddings = nn.Embedding(config.VocabSize, h);
        _positionEmbeddings = nn.Embedding(config.MaxPositionEmbeddings, h);
        _tokenTypeEmbeddings = nn.Embedding(Math.Max(1, config.TypeVocabSize), h);
        _embeddingNorm = nn.LayerNorm(h, eps);
        var embeddings = new ModuleContainer("embeddings",
            ("word_embeddings", _wordEmbeddings), ("position_embeddings", _positionEmbeddings),
            ("token_type_embeddings", _tokenTypeEmbeddings), ("LayerNorm", _embeddingNorm));

        _layers = new Layer[config.NumHiddenLayers];
        var layerModules = new List<ModuleContainer>();
        for (int i = 0; i < _layers.Length; i++)
        {
            int attended = config.HeadsInLayer(i) * config.HeadSize; // fewer than h when heads were pruned
            var l = new Layer(nn.Linear(h, attended), nn.Linear(h, attended), nn.Linear(h, attended), nn.Linear(attended, h), nn.LayerNorm(h, eps),
                nn.Linear(h, config.IntermediateSize), nn.Linear(config.IntermediateSize, h), nn.LayerNorm(h, eps));
            _layers[i] = l;
            layerModules.Add(new ModuleContainer($"layer{i}",
                ("attention", new ModuleContainer("attention",
                    ("self", new ModuleContainer("self", ("query", l.Query), ("key", l.Key), ("value", l.Value))),
                    ("output", new ModuleContainer("output", ("dense", l.AttentionOutput), ("LayerNorm", l.AttentionNorm))))),
                ("intermediate", new ModuleContainer("intermediate", ("dense", l.Intermediate))),
                ("output", new ModuleContainer("output", ("dense", l.Output), ("LayerNorm", l.OutputNorm)))));
        }
        var encoder = new ModuleContainer("encoder", ("layer", nn.ModuleList(layerModules.ToArray())));
        _pooler = nn.Linear(h, h);
        var pooler = new ModuleContainer("pooler", ("dense", _pooler));
        register_module("bert", new ModuleContainer("bert", ("embeddings", embeddings), ("encoder", encoder), ("pooler", pooler)));
        _classifier = nn.Linear(h, Math.Max(1, config.NumLabels));
        register_module("classifier", _classifier);
    }

    /// <summary>Creates a model with Hugging Face's random initialisation (call <c>torch.manual_seed</c> first for reproducibility).</summary>
    /// <param name="config">A BERT configuration; its <see cref="ModelConfig.Labels"/> size the classifier.</param>
    /// <param name="compute">How the model computes (<see cref="ModelComputeOptions.Default"/>, Hugging Face's path, when null).</param>
    public static BertForSequenceClassification Create(ModelConfig config, ModelComputeOptions? compute = null)
    {
        var model = new BertForSequenceClassification(config, compute ?? ModelComputeOptions.Default);
        model.InitializeWeights();
        return model;
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "bert.";

    /// <inheritdoc />
    public override Tensor Encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, List<Tensor>? hiddenStates = null)
    {
        var positions = PositionIds(inputIds);
        var x = EmbedWords(_wordEmbeddings, inputIds) + _positionEmbeddings.forward(positions) + _tokenTypeEmbeddings.forward(tokenTypeIds);
        x = Dropout(_embeddingNorm.forward(x), Config.HiddenDropoutProb);
        hiddenStates?.Add(x);
        var mask = AdditiveMask(attentionMask, x.dtype);
        for (int i = 0; i < _layers.Length; i++)
        {
            x = InLayerScope(() => EncoderLayer(i, x, mask));
            hiddenStates?.Add(x);
        }
        return x;
    }

    /// <summary>Encoder layer <paramref name="i"/> (post-LN self-attention, then the feed-forward block) applied to <paramref name="x"/>.</summary>
    private Tensor EncoderLayer(int i, Tensor x, Tensor additiveMask)
    {
        var l = _layers[i];
        var context = Attention(i, Dense(l.Query, x), Dense(l.Key, x), Dense(l.Value, x), additiveMask);
        var attended = l.AttentionNorm.forward(Dropout(Dense(l.AttentionOutput, context), Config.HiddenDropoutProb) + x);
        var inner = MaskFfn(i, Activate(Dense(l.Intermediate, attended), Config.HiddenAct));
        return l.OutputNorm.forward(Dropout(Dense(l.Output, inner), Config.HiddenDropoutProb) + attended);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        var hidden = Encode(inputIds, attentionMask, tokenTypeIds);
        var pooled = Dense(_pooler, hidden.select(1, 0)).tanh();
        pooled = Dropout(pooled, Config.ClassifierDropout ?? Config.HiddenDropoutProb);
        return Dense(_classifier, pooled);
    }
}
