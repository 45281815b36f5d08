using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Runtime;

/// <summary>A row of logits to the <see cref="ClassificationResult"/> callers see: probabilities, the predicted label, its id.</summary>
internal static class ResultDecoder
{
    /// <summary>The result of row <paramref name="row"/> of <paramref name="logits"/>.</summary>
    public static ClassificationResult Decode(ClassifierLogits logits, int row, IReadOnlyList<string> labels, ModelVariant variant, int tokenCount)
    {
        int best = logits.Predicted(row);
        return new ClassificationResult(labels[best], best, logits.Probabilities(row), logits.Row(row).ToArray(), labels, variant, tokenCount);
    }
}
