using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// One weight-decay group of <see cref="FlatAdamW"/>: its parameters' values and gradients live as views in two flat
/// buffers, so the optimizer's update, the gradient norm and zeroing each touch one tensor per group instead of one per
/// parameter. The moments are flat buffers of the same length.
/// </summary>
internal sealed class FlatParameterGroup : IDisposable
{
    private FlatParameterGroup(string name, double weightDecay, IReadOnlyList<(string Name, Parameter Parameter)> members,
        Tensor values, Tensor gradients, Tensor expAvg, Tensor expAvgSq)
    {
        Name = name;
        WeightDecay = weightDecay;
        Members = members;
        Values = values;
        Gradients = gradients;
        ExpAvg = expAvg;
        ExpAvgSq = expAvgSq;
        Layout = string.Join(";", members.Select(m => $"{m.Name}[{string.Join(",", m.Parameter.shape)}]"));
    }

    /// <summary><c>decay</c> or <c>no_decay</c>: names the group in the state file.</summary>
    public string Name { get; }
    /// <summary>Decoupled weight decay of this group.</summary>
    public double WeightDecay { get; }
    /// <summary>The parameters in buffer order.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Members { get; }
    /// <summary>Every member's names and shapes in order: a state file must match it to be loaded.</summary>
    public string Layout { get; }
    /// <summary>The flat parameter buffer (every member is a view into it).</summary>
    public Tensor Values { get; }
    /// <summary>The flat gradient buffer (every member's <c>.grad</c> is a view into it).</summary>
    public Tensor Gradients { get; }
    /// <summary>First moment, flat.</summary>
    public Tensor ExpAvg { get; }
    /// <summary>Second moment, flat.</summary>
    public Tensor ExpAvgSq { get; }
    /// <summary>Elements in the group.</summary>
    public long Count => Values.numel();

    /// <summary>
    /// Moves <paramref name="members"/>' values into one flat buffer and makes each parameter a view of its slice (values
    /// unchanged), and gives each a zero gradient that is a view of one flat gradient buffer. Autograd then accumulates
    /// into those views in place (a defined <c>.grad</c> is added to, never replaced, outside create_graph), so the
    /// buffers stay the parameters' storage for as long as nobody sets a <c>.grad</c> to null or to another tensor.
    /// </summary>
    public static FlatParameterGroup Create(string name, double weightDecay, IReadOnlyList<(string Name, Parameter Parameter)> members)
    {
        if (members.Count == 0) throw new ArgumentException("a group needs at least one parameter.", nameof(members));
        var first = members[0].Parameter;
        foreach (var (n, p) in members)
            if (p.dtype != first.dtype || p.device_type != first.device_type || p.device_index != first.device_index)
                throw new ArgumentException($"{n}: every parameter of a group must share dtype and device ({first.dtype} on {first.device}; this one {p.dtype} on {p.device}).");
        long total = members.Sum(m => m.Parameter.numel());
        Tensor values = torch.empty(total, dtype: first.dtype, device: first.device).DetachFromDisposeScope();
        Tensor gradients = torch.zeros(total, dtype: first.dtype, device: first.device).DetachFromDisposeScope();
        using (torch.no_grad())
        {
            long offset = 0;
            foreach (var (_, p) in members)
            {
                long n = p.numel();
                var shape = p.shape;
                using (var slice = values.narrow(0, offset, n).view(shape))
                {
                    slice.copy_(p);
                    p.set_(slice);
                }
                using (var gradSlice = gradients.narrow(0, offset, n).view(shape))
                    p.grad = gradSlice;
                offset += n;
            }
        }
        return new FlatParameterGroup(name, weightDecay, members, values, gradients,
            torch.zeros_like(values).DetachFromDisposeScope(), torch.zeros_like(values).DetachFromDisposeScope());
    }

    /// <summary>Releases the flat buffers' handles (the parameters keep their storage alive).</summary>
    public void Dispose()
    {
        Values.Dispose();
        Gradients.Dispose();
        ExpAvg.Dispose();
        ExpAvgSq.Dispose();
    }
}
