using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>Texts with gold class ids, used to calibrate and to check a quantized variant against its FP32 source.</summary>
/// <param name="Name">Shown in reports, e.g. <c>validation</c> or <c>test</c>.</param>
/// <param name="Texts">The inputs.</param>
/// <param name="Labels">Gold class ids, parallel to <paramref name="Texts"/>.</param>
public sealed record EvaluationSet(string Name, IReadOnlyList<string> Texts, IReadOnlyList<int> Labels)
{
    /// <summary>Makes a set from labelled examples.</summary>
    /// <param name="name">Shown in reports.</param>
    /// <param name="examples">The texts with the data's class ids.</param>
    /// <param name="modelClassIds">
    /// The model's class id for each of the data's class ids (<see cref="ClassNameMatching.Order"/> of the model's names and
    /// the data's), so that data naming the same classes in another order is scored against the right outputs; null when
    /// the ids are the same.
    /// </param>
    public static EvaluationSet FromLabelledTexts(string name, IEnumerable<LabelledText> examples, IReadOnlyList<int>? modelClassIds = null)
    {
        var list = examples.ToList();
        return new EvaluationSet(name, list.Select(e => e.Text).ToList(), list.Select(e => modelClassIds is null ? e.Label : modelClassIds[e.Label]).ToList());
    }

    /// <summary>Checks that texts and labels line up and the set is not empty.</summary>
    /// <exception cref="ArgumentException">Empty, or lengths differ.</exception>
    public void Validate()
    {
        if (Texts.Count == 0) throw new ArgumentException($"evaluation set '{Name}' is empty.");
        if (Texts.Count != Labels.Count)
            throw new ArgumentException($"evaluation set '{Name}' has {Texts.Count} texts but {Labels.Count} labels.");
    }
}
