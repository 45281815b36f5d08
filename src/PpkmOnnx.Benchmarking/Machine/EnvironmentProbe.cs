using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Benchmarking.Results;
using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Benchmarking.Machine;

/// <summary>Describes the machine and software a benchmark runs on.</summary>
public static class EnvironmentProbe
{
    /// <summary>Captures the environment record of a run.</summary>
    /// <param name="providerRequested">auto, cuda or cpu.</param>
    /// <param name="providersUsed">The providers the variants really ran on.</param>
    /// <param name="intraOpThreads">Threads requested, or null for ONNX Runtime's default.</param>
    /// <param name="torchSharpVersion">TorchSharp version passed by the caller, or null.</param>
    /// <param name="gitWorkingDirectory">Where to ask git for HEAD; null = the current directory.</param>
    public static BenchmarkEnvironment Capture(string providerRequested, IReadOnlyList<string> providersUsed, int? intraOpThreads,
        string? torchSharpVersion, string? gitWorkingDirectory)
    {
        bool gpu = providersUsed.Contains("CUDA", StringComparer.OrdinalIgnoreCase);
        return new BenchmarkEnvironment
        {
            CpuModel = CpuModel(),
            LogicalProcessors = Environment.ProcessorCount,
            IntraOpThreads = intraOpThreads,
            InstructionSets = InstructionSets(),
            ExecutionProviderRequested = providerRequested,
            ExecutionProvidersUsed = providersUsed.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
            GpuName = gpu ? RunTool("nvidia-smi", "--query-gpu=name --format=csv,noheader", null)?.Split('\n')[0].Trim() : null,
            OnnxRuntimeVersion = OnnxRuntimeVersion(),
            TorchSharpVersion = torchSharpVersion,
            DotNetVersion = RuntimeInformation.FrameworkDescription,
            OperatingSystem = RuntimeInformation.OSDescription,
            GitCommit = RunTool("git", "rev-parse HEAD", gitWorkingDirectory)?.Trim() is { Length: 40 } sha ? sha : null,
        };
    }

    /// <summary>The CPU's name (see <see cref="CpuFeatures.ModelName"/>).</summary>
    public static string CpuModel() => CpuFeatures.Current.ModelName;

    /// <summary>SIMD extensions that matter for INT8/FP32 GEMM speed (see <see cref="CpuFeatures.InstructionSets"/>).</summary>
    public static IReadOnlyList<string> InstructionSets() => CpuFeatures.Current.InstructionSets;

    /// <summary>The native ONNX Runtime version string.</summary>
    public static string OnnxRuntimeVersion() => Runtime.OnnxRuntimeVersion.Current();

    private static string? RunTool(string fileName, string arguments, string? workingDirectory)
    {
        try
        {
            var info = new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            };
            using var process = Process.Start(info);
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return process.ExitCode == 0 ? output.Result : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
        catch (InvalidOperationException) { return null; }
    }
}
