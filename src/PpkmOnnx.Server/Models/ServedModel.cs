using PpkmOnnx.Runtime;
using PpkmOnnx.Server.Batching;

namespace PpkmOnnx.Server.Models;

/// <summary>A loaded model: its classifier and the batcher in front of it.</summary>
/// <param name="Registration">What was asked for.</param>
/// <param name="Classifier">The classifier (owned by the catalog).</param>
/// <param name="Batcher">Its dynamic batcher.</param>
public sealed record ServedModel(ModelRegistration Registration, SentimentClassifier Classifier, DynamicBatcher Batcher)
{
    /// <summary>The name requests use.</summary>
    public string Name => Registration.Name;
}
