using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Runtime;

/// <summary>The classification of one text.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="LabelId">Its class id.</param>
/// <param name="Probabilities">Softmax probabilities by class id (same order as <see cref="SentimentClassifier.Labels"/>).</param>
/// <param name="Logits">Raw model outputs by class id.</param>
/// <param name="Labels">Label names by class id.</param>
/// <param name="Variant">The model variant that produced it.</param>
/// <param name="TokenCount">Tokens fed to the model, including [CLS]/[SEP], after truncation.</param>
public sealed record ClassificationResult(
    string Label,
    int LabelId,
    IReadOnlyList<float> Probabilities,
    IReadOnlyList<float> Logits,
    IReadOnlyList<string> Labels,
    ModelVariant Variant,
    int TokenCount)
{
    /// <summary>Every label with its probability, most probable first (ties keep class-id order).</summary>
    public IReadOnlyList<LabelScore> Scores =>
        Labels.Select((l, i) => new LabelScore(l, Probabilities[i])).OrderByDescending(s => s.Score).ToList();
}
