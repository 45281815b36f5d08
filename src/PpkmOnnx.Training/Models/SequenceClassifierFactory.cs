using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Models;

/// <summary>Creates the model class that matches a configuration's architecture.</summary>
public static class SequenceClassifierFactory
{
    /// <summary>A freshly initialised BERT or DistilBERT classifier for <paramref name="config"/>.</summary>
    /// <param name="config">The configuration; its architecture picks the class.</param>
    /// <param name="compute">How the model computes (<see cref="ModelComputeOptions.Default"/>, Hugging Face's path, when null).</param>
    public static SequenceClassifier Create(ModelConfig config, ModelComputeOptions? compute = null) => config.Architecture switch
    {
        ModelArchitecture.Bert => BertForSequenceClassification.Create(config, compute),
        ModelArchitecture.DistilBert => DistilBertForSequenceClassification.Create(config, compute),
        _ => throw new ArgumentOutOfRangeException(nameof(config), $"unsupported architecture {config.Architecture}."),
    };
}
