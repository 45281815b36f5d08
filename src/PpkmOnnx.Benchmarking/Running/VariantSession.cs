using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>
/// One variant opened for benchmarking: the Runtime's classification core (<see cref="ClassifierSession"/>, what
/// <c>ppkm serve</c> runs), on bench's session settings, with a run that is timed.
/// </summary>
internal sealed class VariantSession : IDisposable
{
    private readonly RunOptions _runOptions = new();

    private VariantSession(ClassifierSession core) => Core = core;

    /// <summary>The classification core: the package's facts as serve reads them, and the run.</summary>
    public ClassifierSession Core { get; }
    /// <summary>CUDA or CPU: the provider this session really runs on.</summary>
    public string ExecutionProvider => Core.IsCuda ? "CUDA" : "CPU";
    /// <summary>Why CUDA was not used though asked for, or null.</summary>
    public string? ProviderNote => Core.FallbackNote;

    /// <summary>Opens <paramref name="path"/> of the package in <paramref name="packageFolder"/>; CUDA first unless <paramref name="preference"/> is CPU.</summary>
    /// <exception cref="UserInputException">CUDA was required but could not be used, the file is not a loadable model, or it does not fit the package.</exception>
    public static VariantSession Open(string path, string packageFolder, ExecutionProviderPreference preference, int cudaDeviceId, int? intraOpThreads)
    {
        var settings = new SessionSettings
        {
            ExecutionProvider = preference,
            CudaDeviceId = cudaDeviceId,
            OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpThreads = intraOpThreads ?? 0,
        };
        return new VariantSession(ClassifierSession.Open(path, packageFolder, settings));
    }

    /// <summary>Runs <paramref name="inputs"/> and returns their logits, one column per package label.</summary>
    public ClassifierLogits Logits(ClassifierInputs inputs) => Core.Run(inputs, _runOptions);

    /// <summary>Runs <paramref name="inputs"/> as serving does (the run and the decoding of its logits) and returns the wall time in stopwatch ticks.</summary>
    public long TimedRun(ClassifierInputs inputs)
    {
        long start = Stopwatch.GetTimestamp();
        Core.Run(inputs, _runOptions);
        return Stopwatch.GetTimestamp() - start;
    }

    public void Dispose()
    {
        Core.Dispose();
        _runOptions.Dispose();
    }
}
