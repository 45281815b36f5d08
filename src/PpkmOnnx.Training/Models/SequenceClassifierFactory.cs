using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Models;

/// <summary>Creates the model class that matches a configuration's architecture.</summary>
public static class SequenceClassifierFactory
{
    /// <summary>A freshly initialised BERT or DistilBERT classifier for <paramref name="config"/>.</summary>
    public static SequenceClassifier Create(ModelConfig config) => config.Architecture switch
    {
        ModelArchitecture.Bert => BertForSequenceClassification.Create(config),
        ModelArchitecture.DistilBert => DistilBertForSequenceClassification.Create(config),
        _ => throw new ArgumentOutOfRangeException(nameof(config), $"unsupported architecture {config.Architecture}."),
    };
}
