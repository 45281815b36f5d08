using PpkmOnnx.Core.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// Hugging Face <c>DistilBertForSequenceClassification</c>: embeddings (word + position, LayerNorm, dropout),
/// N post-norm transformer blocks (<c>q_lin/k_lin/v_lin/out_lin</c>, <c>sa_layer_norm</c>, <c>ffn.lin1/lin2</c>,
/// <c>output_layer_norm</c>), head <c>pre_classifier</c> + ReLU + dropout + <c>classifier</c> on the first token.
/// </summary>
public sealed class DistilBertForSequenceClassification : SequenceClassifier
{
    private readonly Embedding _wordEmbeddings, _positionEmbeddings;
    private readonly LayerNorm _embeddingNorm;
    private readonly Block[] _layers;
    private readonly Linear _preClassifier, _classifier;

    private sealed record Block(Linear Query, Linear Key, Linear Value, Linear Output, LayerNorm AttentionNorm,
        Linear Lin1, Linear Lin2, LayerNorm OutputNorm);

    private DistilBertForSequenceClassification(ModelConfig config, ModelComputeOptions compute) : base(nameof(DistilBertForSequenceClassification), config, compute)
    {
        if (config.Architecture != ModelArchitecture.DistilBert) throw new ArgumentException("config is not a DistilBERT configuration.", nameof(config));
        if (config.HiddenSize % config.NumAttentionHeads != 0)
            throw new ArgumentException($"dim {config.HiddenSize} is not a multiple of n_heads {config.NumAttentionHeads}.", nameof(config));
        int h = config.HiddenSize;
        double eps = config.LayerNormEps;
        _wordEmbeddings = nn.Embedding(config.VocabSize, h);
        _positionEmbeddings = nn.Embedding(config.MaxPositionEmbeddings, h);
        _embeddingNorm = nn.LayerNorm(h, eps);
        var embeddings = new ModuleContainer("embeddings",
            ("word_embeddings", _wordEmbeddings), ("position_embeddings", _positionEmbeddings), ("LayerNorm", _embeddingNorm));
        _layers = new Block[config.NumHiddenLayers];
        var blocks = new List<ModuleContainer>();
        for (int i = 0; i < _layers.Length; i++)
        {
            int attended = config.HeadsInLayer(i) * config.HeadSize; // fewer than h when heads were pruned
            var b = new Block(nn.Linear(h, attended), nn.Linear(h, attended), nn.Linear(h, attended), nn.Linear(attended, h), nn.LayerNorm(h, eps),
                nn.Linear(h, config.IntermediateSize), nn.Linear(config.IntermediateSize, h), nn.LayerNorm(h, eps));
            _layers[i] = b;
            blocks.Add(new ModuleContainer($"layer{i}",
                ("attention", new ModuleContainer("attention", ("q_lin", b.Query), ("k_lin", b.Key), ("v_lin", b.Value), ("out_lin", b.Output))),
                ("sa_layer_norm", b.AttentionNorm),
                ("ffn", new ModuleContainer("ffn", ("lin1", b.Lin1), ("lin2", b.Lin2))),
                ("output_layer_norm", b.OutputNorm)));
        }
        var transformer = new ModuleContainer("transformer", ("layer", nn.ModuleList(blocks.ToArray())));
        register_module("distilbert", new ModuleContainer("distilbert", ("embeddings", embeddings), ("transformer", transformer)));
        _preClassifier = nn.Linear(h, h);
        _classifier = nn.Linear(h, Math.Max(1, config.NumLabels));
        register_module("pre_classifier", _preClassifier);
        register_module("classifier", _classifier);
    }

    /// <summary>Creates a model with Hugging Face's random initialisation (call <c>torch.manual_seed</c> first for reproducibility).</summary>
    /// <param name="config">A DistilBERT configuration; its <see cref="ModelConfig.Labels"/> size the classifier.</param>
    /// <param name="compute">How the model computes (<see cref="ModelComputeOptions.Default"/>, Hugging Face's path, when null).</param>
    public static DistilBertForSequenceClassification Create(ModelConfig config, ModelComputeOptions? compute = null)
    {
        var model = new DistilBertForSequenceClassification(config, compute ?? ModelComputeOptions.Default);
        model.InitializeWeights();
        return model;
    }

    /// <inheritdoc />
    public override string BaseModelPrefix => "distilbert.";

    /// <inheritdoc />
    public override Tensor Encode(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, List<Tensor>? hiddenStates = null)
    {
        var positions = PositionIds(inputIds);
        var x = EmbedWords(_wordEmbeddings, inputIds) + _positionEmbeddings.forward(positions);
        x = Dropout(_embeddingNorm.forward(x), Config.HiddenDropoutProb);
        hiddenStates?.Add(x);
        var mask = AdditiveMask(attentionMask, x.dtype);
        for (int i = 0; i < _layers.Length; i++)
        {
            x = InLayerScope(() => TransformerBlock(i, x, mask));
            hiddenStates?.Add(x);
        }
        return x;
    }

    /// <summary>Transformer block <paramref name="i"/> (post-LN self-attention, then the feed-forward block) applied to <paramref name="x"/>.</summary>
    private Tensor TransformerBlock(int i, Tensor x, Tensor additiveMask)
    {
        var b = _layers[i];
        var attended = b.AttentionNorm.forward(Dense(b.Output, Attention(i, Dense(b.Query, x), Dense(b.Key, x), Dense(b.Value, x), additiveMask)) + x);
        var ffn = Dense(b.Lin2, MaskFfn(i, Activate(Dense(b.Lin1, attended), Config.HiddenAct)));
        return b.OutputNorm.forward(Dropout(ffn, Config.HiddenDropoutProb) + attended);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        var hidden = Encode(inputIds, attentionMask, tokenTypeIds);
        var pooled = nn.functional.relu(Dense(_preClassifier, hidden.select(1, 0)));
        pooled = Dropout(pooled, Config.ClassifierDropout ?? 0.2);
        return Dense(_classifier, pooled);
    }
}
