using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// AdamW (decoupled weight decay, bias correction, ε outside the square root — TorchSharp's and PyTorch's
/// <c>torch.optim.AdamW</c>) over parameters that live in one flat buffer per weight-decay group, their gradients in
/// another: zeroing the gradients is one fill per group, the clipping norm one reduction per group, and the update one
/// pass over the flat buffers with no per-parameter temporaries (float32 on CPU: a single fused loop; elsewhere a few
/// in-place libtorch ops per group). TorchSharp reaches neither libtorch's <c>_fused_adamw_</c> nor its <c>_foreach_*</c>
/// kernels, hence this.
/// </summary>
/// <remarks>
/// Creating it rebinds every parameter's storage to a slice of the group's buffer and gives it a gradient that is a
/// slice of the gradient buffer: values are unchanged and modules see no difference, but a gradient must never be set to
/// null or replaced (use <see cref="ZeroGrad"/>, not a module's <c>zero_grad</c> with set-to-none). A parameter that
/// received no gradient in a step is updated as if its gradient were zero (its moments decay), as in PyTorch's fused
/// AdamW with zero gradients; TorchSharp's AdamW skips parameters whose <c>.grad</c> is null.
/// </remarks>
public sealed class FlatAdamW : IDisposable
{
    private const string StateMagic = "ppkm-flat-adamw";
    private const int StateVersion = 1;
    private readonly List<FlatParameterGroup> _groups;
    private float _gradScale = 1f;
    private bool _disposed;

    private FlatAdamW(List<FlatParameterGroup> groups, double learningRate, double beta1, double beta2, double eps)
    {
        _groups = groups;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    /// <summary>Learning rate of the next <see cref="Step"/> (every group).</summary>
    public double LearningRate { get; set; }
    /// <summary>β1 (first-moment decay).</summary>
    public double Beta1 { get; }
    /// <summary>β2 (second-moment decay).</summary>
    public double Beta2 { get; }
    /// <summary>ε, added to the bias-corrected √v.</summary>
    public double Eps { get; }
    /// <summary>Updates taken so far (the t of the bias corrections); restored by <see cref="Load"/>.</summary>
    public long StepCount { get; private set; }
    /// <summary>Elements updated per step, all groups together.</summary>
    public long ParameterCount => _groups.Sum(g => g.Count);
    /// <summary>Whether the update runs as the one-pass float32 CPU loop (otherwise as in-place libtorch ops).</summary>
    public bool UsesFusedCpuKernel => _groups.All(IsCpuFloat32);

    /// <summary>
    /// AdamW over <paramref name="groups"/>: each entry's parameters get that entry's weight decay. Parameters that appear
    /// twice (tied weights) are optimized once, in the first group that names them.
    /// </summary>
    public static FlatAdamW Create(IEnumerable<(string Name, double WeightDecay, IReadOnlyList<(string Name, Parameter Parameter)> Parameters)> groups,
        double learningRate, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        if (learningRate < 0) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "must be ≥ 0.");
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "must be in [0, 1).");
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "must be in [0, 1).");
        var seen = new HashSet<IntPtr>();
        var built = new List<FlatParameterGroup>();
        try
        {
            foreach (var (name, decay, parameters) in groups)
            {
                if (decay < 0) throw new ArgumentOutOfRangeException(nameof(groups), decay, $"group {name}: weight decay must be ≥ 0.");
                var members = parameters.Where(p => seen.Add(p.Parameter.Handle)).ToList();
                if (members.Count > 0) built.Add(FlatParameterGroup.Create(name, decay, members));
            }
        }
        catch
        {
            foreach (var g in built) g.Dispose();
            throw;
        }
        return new FlatAdamW(built, learningRate, beta1, beta2, eps);
    }

    /// <summary>Sets every gradient to zero: one fill per group.</summary>
    public void ZeroGrad()
    {
        foreach (var g in _groups) g.Gradients.zero_();
        _gradScale = 1f;
    }

    /// <summary>
    /// <c>clip_grad_norm_</c> over all groups: the L2 norm of every gradient together, and if it exceeds
    /// <paramref name="maxNorm"/> the gradients are scaled by maxNorm / (norm + 1e-6). On the fused CPU path the scale is
    /// applied inside the next <see cref="Step"/>'s pass (the gradient buffers are left as they are until then).
    /// </summary>
    /// <returns>The norm before clipping.</returns>
    public double ClipGradNorm(double maxNorm)
    {
        double sumOfSquares = 0;
        foreach (var g in _groups)
        {
            using var norm = torch.linalg.vector_norm(g.Gradients);
            double n = norm.to(ScalarType.Float64).item<double>();
            sumOfSquares += n * n;
        }
        double total = Math.Sqrt(sumOfSquares);
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1)
        {
            if (UsesFusedCpuKernel) _gradScale = (float)coefficient;
            else foreach (var g in _groups) g.Gradients.mul_(coefficient);
        }
        return total;
    }

    /// <summary>One AdamW update of every parameter at <see cref="LearningRate"/>.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);
        double stepSize = LearningRate / biasCorrection1;
        int threads = Math.Max(1, torch.get_num_threads());
        using var noGrad = torch.no_grad();
        foreach (var g in _groups)
        {
            if (IsCpuFloat32(g))
            {
                var c = new AdamWKernel.Coefficients(_gradScale, (float)(1 - LearningRate * g.WeightDecay), (float)Beta1, (float)(1 - Beta1),
                    (float)Beta2, (float)(1 - Beta2), (float)Math.Sqrt(biasCorrection2), (float)Eps, (float)-stepSize);
                AdamWKernel.Update(TensorMemory.Float32Address(g.Values), TensorMemory.Float32Address(g.Gradients),
                    TensorMemory.Float32Address(g.ExpAvg), TensorMemory.Float32Address(g.ExpAvgSq), g.Count, c, threads);
                continue;
            }
            // The same update as TorchSharp's AdamW.step, op for op, on the flat buffers.
            if (g.WeightDecay != 0) g.Values.mul_(1 - LearningRate * g.WeightDecay);
            g.ExpAvg.mul_(Beta1).add_(g.Gradients, alpha: 1 - Beta1);
            g.ExpAvgSq.mul_(Beta2).addcmul_(g.Gradients, g.Gradients, value: 1 - Beta2);
            using var denominator = g.ExpAvgSq.sqrt();
            denominator.div_(Math.Sqrt(biasCorrection2)).add_(Eps);
            g.Values.addcdiv_(g.ExpAvg, denominator, value: -stepSize);
        }
        _gradScale = 1f;
    }

    /// <summary>Writes the step count and both moments of every group (with the groups' layouts, checked on load).</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write(StateMagic);
        writer.Write(StateVersion);
        writer.Write(StepCount);
        writer.Write(_groups.Count);
        foreach (var g in _groups)
        {
            writer.Write(g.Name);
            writer.Write(g.Layout);
            writer.Write(g.Count);
            g.ExpAvg.Save(writer);
            g.ExpAvgSq.Save(writer);
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote; the groups must hold the same parameters, in the same order and shapes.</summary>
    public void Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string magic;
        try { magic = reader.ReadString(); }
        catch (EndOfStreamException) { magic = ""; }
        if (magic != StateMagic) throw new InvalidDataException($"{path}: not an optimizer state written by this version (an older run's resume point? start a fresh run).");
        int version = reader.ReadInt32();
        if (version != StateVersion) throw new InvalidDataException($"{path}: optimizer state version {version}, expected {StateVersion}.");
        long steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != _groups.Count) throw new InvalidDataException($"{path}: {count} parameter groups, the model has {_groups.Count}.");
        using var noGrad = torch.no_grad();
        foreach (var g in _groups)
        {
            string name = reader.ReadString();
            string layout = reader.ReadString();
            long elements = reader.ReadInt64();
            if (name != g.Name || layout != g.Layout || elements != g.Count)
                throw new InvalidDataException($"{path}: group '{name}' does not hold the model's parameters of group '{g.Name}' (names, order or shapes differ).");
            g.ExpAvg.Load(reader);
            g.ExpAvgSq.Load(reader);
        }
        StepCount = steps;
    }

    /// <summary>Releases the flat buffers' handles; the parameters keep their values (their storage stays alive).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var g in _groups) g.Dispose();
    }

    private static bool IsCpuFloat32(FlatParameterGroup g) => g.Values.device_type == DeviceType.CPU && g.Values.dtype == ScalarType.Float32;
}
