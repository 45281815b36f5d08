using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.Export;

/// <summary>
/// The parameters of a BERT or DistilBERT checkpoint, checked against its config and named by role.
/// Optional parts are null when the checkpoint lacks them (base models have no classifier; DistilBERT has no token types or pooler).
/// </summary>
public sealed record TransformerWeights
{
    /// <summary>The configuration the shapes were checked against.</summary>
    public required ModelConfig Config { get; init; }
    /// <summary>Word embeddings [vocab, hidden].</summary>
    public required float[] WordEmbeddings { get; init; }
    /// <summary>Position embeddings [max_positions, hidden].</summary>
    public required float[] PositionEmbeddings { get; init; }
    /// <summary>Token-type embeddings [type_vocab, hidden] (BERT only).</summary>
    public float[]? TokenTypeEmbeddings { get; init; }
    /// <summary>Embedding LayerNorm.</summary>
    public required LayerNormWeights EmbeddingNorm { get; init; }
    /// <summary>Encoder layers, bottom first.</summary>
    public required IReadOnlyList<EncoderLayerWeights> Layers { get; init; }
    /// <summary>BERT pooler (dense + tanh on the [CLS] state), when present.</summary>
    public LinearWeights? Pooler { get; init; }
    /// <summary>DistilBERT pre-classifier (dense + ReLU), when present.</summary>
    public LinearWeights? PreClassifier { get; init; }
    /// <summary>Classification head, when present.</summary>
    public LinearWeights? Classifier { get; init; }

    /// <summary>True when the model ends in a classifier (outputs logits).</summary>
    public bool HasClassifier => Classifier is not null;
}
