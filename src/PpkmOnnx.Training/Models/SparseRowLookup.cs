using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Models;

/// <summary>
/// Rows of a table gathered at integer indices, whose backward returns the table's gradient as a sparse COO tensor (one
/// row per index, in index order, uncoalesced), as libtorch's <c>embedding(..., sparse=True)</c> does. TorchSharp's
/// <c>Embedding</c> fixes sparse or dense at construction, and building a second module per call draws a fresh random
/// initialisation from torch's generator, so this is the lookup as an autograd function instead.
/// </summary>
internal sealed class SparseRowLookup : autograd.SingleTensorFunction<SparseRowLookup>
{
    private const string TableShape = "table_shape";

    /// <inheritdoc />
    public override string Name => nameof(SparseRowLookup);

    /// <summary>The rows of <paramref name="table"/> (<c>[rows, width]</c>) at <paramref name="indices"/>, shaped <c>[..indices, width]</c>.</summary>
    public static Tensor Apply(Tensor table, Tensor indices) => apply(table, indices);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var table = (Tensor)vars[0];
        var indices = (Tensor)vars[1];
        ctx.save_for_backward([indices]);
        ctx.save_data(TableShape, table.shape);
        var shape = indices.shape.Append(table.shape[1]).ToArray();
        using var flat = indices.reshape(-1);
        using var rows = table.index_select(0, flat);
        return rows.view(shape);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        using var indices = ctx.get_saved_variables()[0];
        var tableShape = (long[])ctx.get_data(TableShape);
        using var flat = indices.reshape(1, -1);
        using var values = grad_output.reshape(-1, tableShape[1]);
        return [torch.sparse_coo_tensor(flat, values, tableShape), null!];
    }
}
