using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// The logits of one classifier run, row-major <c>[Rows, Classes]</c>, with the one rule for turning a row into a
/// prediction: <see cref="Predicted"/> is the argmax of the logits (<see cref="ClassScores.ArgMax(ReadOnlySpan{float})"/>,
/// first on ties) and <see cref="Probabilities"/> their softmax (<see cref="ClassScores.Softmax"/>).
/// </summary>
public sealed class ClassifierLogits
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> as <paramref name="rows"/> rows of <paramref name="classes"/> logits.</summary>
    /// <exception cref="ArgumentException">The length is not rows × classes, or classes is below 1.</exception>
    public ClassifierLogits(float[] values, int rows, int classes)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (values.Length != (long)rows * classes)
            throw new ArgumentException($"{values.Length} logits are not {rows} rows of {classes}.", nameof(values));
        _values = values;
        Rows = rows;
        Classes = classes;
    }

    /// <summary>
    /// Decodes a run's output (float32 or float16, through <see cref="FloatTensor"/>) as logits: the one place a classifier
    /// output's shape is checked, for <see cref="ClassifierSession"/> and the quantizer's accuracy guard alike.
    /// </summary>
    /// <param name="output">The output tensor of a session run.</param>
    /// <param name="rows">The rows fed.</param>
    /// <param name="classes">The logits per row expected (the package's labels), or null to accept any count of at least 1.</param>
    /// <param name="source">What it is (file and output name), for messages.</param>
    /// <exception cref="UserInputException">The output holds neither float nor float16, or is not [rows, classes].</exception>
    public static ClassifierLogits Read(OrtValue output, int rows, int? classes, string source)
    {
        var (values, shape) = FloatTensor.Read(output, source);
        if (shape.Length != 2 || shape[0] != rows || (classes is { } k ? shape[1] != k : shape[1] < 1))
            throw new UserInputException($"{source}: logits have shape [{string.Join(", ", shape)}], expected [{rows}, {(classes?.ToString() ?? "num_labels")}].");
        return new ClassifierLogits(values, rows, checked((int)shape[1]));
    }

    /// <summary>Rows (texts).</summary>
    public int Rows { get; }
    /// <summary>Logits per row (labels).</summary>
    public int Classes { get; }

    /// <summary>Every logit, row-major.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The logits of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
        return _values.AsSpan(row * Classes, Classes);
    }

    /// <summary>The class of row <paramref name="row"/>: the argmax of its logits, the first on ties.</summary>
    public int Predicted(int row) => ClassScores.ArgMax(Row(row));

    /// <summary>The softmax probabilities of row <paramref name="row"/>.</summary>
    public float[] Probabilities(int row) => ClassScores.Softmax(Row(row));
}
