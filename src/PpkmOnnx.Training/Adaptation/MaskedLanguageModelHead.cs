using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// Hugging Face's masked-LM head: dense + activation + LayerNorm, then a decoder tied to the word embeddings plus an
/// output bias. Its tensors carry transformers' names — <c>cls.predictions.transform.dense.*</c>,
/// <c>cls.predictions.transform.LayerNorm.*</c>, <c>cls.predictions.bias</c> for BERT (<c>BertForMaskedLM</c>);
/// <c>vocab_transform.*</c>, <c>vocab_layer_norm.*</c>, <c>vocab_projector.bias</c> for DistilBERT — and the tied
/// decoder weight is not stored (transformers ties it to the word embeddings on load).
/// </summary>
public sealed class MaskedLanguageModelHead : nn.Module
{
    private readonly Linear _transform;
    private readonly LayerNorm _norm;
    private readonly Parameter _bias;
    private readonly string _activation;
    private readonly ModelArchitecture _architecture;

    /// <summary>A freshly initialised head for <paramref name="config"/> (transformers' <c>_init_weights</c>).</summary>
    public MaskedLanguageModelHead(ModelConfig config) : base(nameof(MaskedLanguageModelHead))
    {
        ArgumentNullException.ThrowIfNull(config);
        _architecture = config.Architecture;
        _activation = config.HiddenAct;
        _transform = nn.Linear(config.HiddenSize, config.HiddenSize);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _bias = new Parameter(torch.zeros(config.VocabSize));
        register_module("transform", _transform);
        register_module("norm", _norm);
        register_parameter("bias", _bias);
        using var noGrad = torch.no_grad();
        _transform.weight!.normal_(0.0, 0.02);
        _transform.bias!.zero_();
    }

    /// <summary>The head's parameters by their Hugging Face names.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> HuggingFaceParameters() => _architecture == ModelArchitecture.Bert
        ? [("cls.predictions.transform.dense.weight", _transform.weight!), ("cls.predictions.transform.dense.bias", _transform.bias!),
           ("cls.predictions.transform.LayerNorm.weight", _norm.weight!), ("cls.predictions.transform.LayerNorm.bias", _norm.bias!),
           ("cls.predictions.bias", _bias)]
        : [("vocab_transform.weight", _transform.weight!), ("vocab_transform.bias", _transform.bias!),
           ("vocab_layer_norm.weight", _norm.weight!), ("vocab_layer_norm.bias", _norm.bias!),
           ("vocab_projector.bias", _bias)];

    /// <summary>Name of the output bias (<c>cls.predictions.bias</c> or <c>vocab_projector.bias</c>), indexed by token id.</summary>
    public string BiasName => HuggingFaceParameters()[^1].Name;

    /// <summary>Vocabulary logits <c>[rows, vocab]</c> of hidden states <c>[rows, hidden]</c>, decoding with the tied <paramref name="wordEmbeddings"/>.</summary>
    public Tensor Logits(Tensor hidden, Tensor wordEmbeddings)
    {
        var x = _norm.forward(SequenceClassifier.Activate(_transform.forward(hidden), _activation));
        return nn.functional.linear(x, wordEmbeddings, _bias);
    }
}
