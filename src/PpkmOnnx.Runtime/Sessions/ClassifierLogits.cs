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
