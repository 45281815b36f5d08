using System.Reflection;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// PpkmOnnx.Runtime references only <c>Microsoft.ML.OnnxRuntime.Managed</c>; the application brings the native library.
/// When it did not, ONNX Runtime's first native call fails with a bare "Unable to load shared library 'onnxruntime'";
/// this turns that into an exception that names the package to add.
/// </summary>
internal static class OnnxRuntimeNative
{
    /// <summary>The CPU native package.</summary>
    public const string CpuPackage = "Microsoft.ML.OnnxRuntime";
    /// <summary>The CUDA native package for Linux.</summary>
    public const string GpuLinuxPackage = "Microsoft.ML.OnnxRuntime.Gpu.Linux";

    /// <summary>Runs <paramref name="call"/>, rethrowing a missing native library as <see cref="DllNotFoundException"/> naming the packages.</summary>
    public static T Guard<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (MissingLibrary(e) is { } cause)
        {
            throw Missing(cause);
        }
    }

    /// <summary>The exception thrown when the native library is absent.</summary>
    public static DllNotFoundException Missing(Exception cause)
    {
        string version = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "the same version as Microsoft.ML.OnnxRuntime.Managed";
        return new DllNotFoundException(
            $"The native ONNX Runtime library is missing: PpkmOnnx.Runtime brings only Microsoft.ML.OnnxRuntime.Managed. Add one native package "
            + $"to the application: 'dotnet add package {CpuPackage} --version {version}' (CPU) or '{GpuLinuxPackage}' (CUDA on Linux), not both. "
            + $"({cause.GetType().Name}: {cause.Message.Split('\n')[0].Trim()})", cause);
    }

    private static Exception? MissingLibrary(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is DllNotFoundException && x.Message.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
                && !x.Message.Contains("cuda", StringComparison.OrdinalIgnoreCase))
                return x;
        return null;
    }
}
