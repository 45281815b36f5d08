namespace PpkmOnnx.Core.Checkpoints;

/// <summary>A dense float32 tensor in row-major (C) order, as stored in a checkpoint.</summary>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Data">Values, row-major; length is the product of <paramref name="Shape"/>.</param>
public sealed record TensorData(long[] Shape, float[] Data)
{
    /// <summary>Number of elements implied by the shape.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Shape as text, e.g. <c>[384, 1536]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
