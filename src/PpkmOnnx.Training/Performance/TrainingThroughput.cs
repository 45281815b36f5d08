using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Training.Models;
using TorchSharp;

namespace PpkmOnnx.Training.Performance;

/// <summary>
/// What <c>training.json</c> says about speed: optimizer steps per second of this process, their achieved GFLOP/s
/// (<see cref="TrainingStepFlops"/> of each batch's real shape over the steps' own time, evaluation excluded), the
/// machine's SGEMM peak at the model's shapes (<see cref="GemmPeakProbe"/>, CPU only) and the CPU's vendor and ISA.
/// </summary>
internal sealed class TrainingThroughput
{
    // One probe per process and shape set: test suites and `make paper` train many models of one shape.
    private static readonly ConcurrentDictionary<string, GemmRate> PeakCache = new();
    private readonly (long Tokenwise, long PerSequence, long Width) _weights;
    private readonly GemmRate? _peak;
    private readonly string _optimizer;
    private long _steps;
    private double _seconds;
    private double _flops;
    private long _tokens;

    public TrainingThroughput(SequenceClassifier model, long probeTokens, bool onCpu, string optimizer)
    {
        _weights = TrainingStepFlops.MatmulWeights(model);
        _optimizer = optimizer;
        if (!onCpu) return;
        var shapes = TrainingStepFlops.LinearGemmShapes(model, probeTokens);
        if (shapes.Count == 0) return;
        var key = $"{torch.get_num_threads()}|{string.Join(",", shapes)}";
        _peak = PeakCache.GetOrAdd(key, _ => GemmPeakProbe.Measure(shapes, secondsPerShape: 0.05).MaxBy(r => r.GflopPerSecond)!);
    }

    /// <summary>Counts one optimizer step over a <paramref name="batch"/> × <paramref name="sequence"/> batch.</summary>
    public void Add(double seconds, long batch, long sequence)
    {
        _steps++;
        _seconds += seconds;
        _tokens += batch * sequence;
        _flops += TrainingStepFlops.Of(_weights.Tokenwise, _weights.PerSequence, _weights.Width, batch, sequence);
    }

    /// <summary>
    /// The CPU as training.json's performance record and the training benches name it (<c>cpu_model</c>, <c>cpu_vendor</c>, <c>isa</c>),
    /// so a measurement always says which machine made it. Fresh nodes on every call.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, JsonNode?>> CpuFacts()
    {
        var cpu = CpuFeatures.Current;
        return
        [
            new("cpu_model", cpu.ModelName),
            new("cpu_vendor", cpu.Vendor),
            new("isa", new JsonArray(cpu.InstructionSets.Select(s => (JsonNode)s).ToArray())),
        ];
    }

    /// <summary>
    /// How this process ran libtorch and what it held, as training.json, adapt.json and the training benches record it:
    /// <c>mkl_kernels</c> (<see cref="MklJson"/>), <c>malloc</c> (<see cref="HeapJson"/>) and <c>peak_resident_mb</c>, the
    /// process's high-water resident set (VmHWM) so far: model, optimizer state, the largest step, evaluation. Fresh
    /// nodes on every call, ready to add to any record.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, JsonNode?>> ProcessFacts()
    {
        using var process = Process.GetCurrentProcess();
        var (mkl, heap) = ProcessSettings.EnsureConfigured();
        return
        [
            new("mkl_kernels", MklJson(mkl)),
            new("malloc", HeapJson(heap)),
            new("peak_resident_mb", Math.Round(process.PeakWorkingSet64 / 1048576.0, 1)),
        ];
    }

    /// <summary>How the records write <paramref name="mkl"/>.</summary>
    private static JsonObject MklJson(MklKernelState mkl) => new()
    {
        ["mode"] = mkl.ModeName,
        ["vendor_check"] = mkl.VendorCheck,
        ["code_path"] = mkl.CodePath,
        ["failure"] = mkl.Failure,
    };

    /// <summary>How the records write <paramref name="heap"/>.</summary>
    private static JsonObject HeapJson(HeapState heap) => new()
    {
        ["mode"] = heap.ModeName,
        ["mmap_threshold_bytes"] = heap.MmapThresholdBytes,
        ["trim_threshold_bytes"] = heap.TrimThresholdBytes,
        ["failure"] = heap.Failure,
    };

    public JsonObject ToJson()
    {
        double? achieved = _seconds > 0 ? _flops / _seconds / 1e9 : null;
        var json = new JsonObject(CpuFacts())
        {
            ["threads"] = torch.get_num_threads(),
            ["optimizer"] = _optimizer,
            ["steps_this_process"] = _steps,
            ["step_seconds"] = Math.Round(_seconds, 3),
            ["steps_per_second"] = _seconds > 0 ? Math.Round(_steps / _seconds, 4) : null,
            ["padded_tokens_per_second"] = _seconds > 0 ? Math.Round(_tokens / _seconds, 1) : null,
            ["step_gflops"] = achieved is { } a ? Math.Round(a, 2) : null,
            ["flops_counted"] = "forward + backward matmuls of the trained model (TrainingStepFlops; a distillation teacher's forward is not counted)",
            ["gemm_peak_gflops"] = _peak is null ? null : Math.Round(_peak.GflopPerSecond, 2),
            ["gemm_peak_shape"] = _peak?.Shape.ToString(),
            ["gemm_peak_source"] = _peak is null ? "not measured (not on CPU)" : "libtorch fp32 GEMM, best of the model's Linear shapes at batch x max length rows",
            ["fraction_of_peak"] = achieved is { } b && _peak is not null ? Math.Round(b / _peak.GflopPerSecond, 3) : null,
        };
        foreach (var (key, value) in ProcessFacts()) json[key] = value;
        return json;
    }
}
