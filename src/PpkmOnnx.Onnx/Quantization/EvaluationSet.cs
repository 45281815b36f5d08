using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>Texts with gold class ids, used to calibrate and to check a quantized variant against its FP32 source.</summary>
/// <param name="Name">Shown in reports, e.g. <c>validation</c> or <c>test</c>.</param>
/// <param name="Texts">The inputs.</param>
/// <param name="Labels">Gold class ids, parallel to <paramref name="Texts"/>.</param>
public sealed record EvaluationSet(string Name, IReadOnlyList<string> Texts, IReadOnlyList<int> Labels)
{
    /// <summary>Makes a set from labelled examples.</summary>
    public static EvaluationSet FromLabelledTexts(string name, IEnumerable<LabelledText> examples)
    {
        var list = examples.ToList();
        return new EvaluationSet(name, list.Select(e => e.Text).ToList(), list.Select(e => e.Label).ToList());
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
