using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Models;

/// <summary>Creates the model class that matches a configuration's architecture.</summary>
public static class SequenceClassifierFactory
{
    /// <summary>A freshly initialised BERT or DistilBERT classifier for <paramref name="config"/>.</summary>
    /// <param name="config">The configuration; its architecture picks the class.</param>
    /// <param name="attentionKernel">How attention is computed (<see cref="AttentionKernel.Eager"/>, Hugging Face's path, by default).</param>
    public static SequenceClassifier Create(ModelConfig config, AttentionKernel attentionKernel = AttentionKernel.Eager) => config.Architecture switch
    {
        ModelArchitecture.Bert => BertForSequenceClassification.Create(config, attentionKernel),
        ModelArchitecture.DistilBert => DistilBertForSequenceClassification.Create(config, attentionKernel),
        _ => throw new ArgumentOutOfRangeException(nameof(config), $"unsupported architecture {config.Architecture}."),
    };
}
