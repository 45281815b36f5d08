using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Runtime;

/// <summary>
/// Opens a package's model, through the optimized-model cache when <see cref="ClassifierOptions.OptimizedModelCacheFolder"/>
/// is set: ONNX Runtime's optimized graph is saved once under a key of the file's hash, the provider, the optimization
/// level and the CPU's features, and later loads skip the optimization. A damaged entry is rebuilt, never trusted.
/// </summary>
internal static class OptimizedModelCache
{
    /// <summary>The open session, whether it came from the cache, and the cache file used or written (null with the cache off).</summary>
    /// <exception cref="PpkmOnnx.Core.UserInputException">ONNX Runtime cannot load the model, or CUDA was required and is unusable.</exception>
    public static (OrtSessionHandle Handle, bool CacheHit, string? CachePath) Open(PackageModelFile file, ClassifierOptions options)
    {
        var settings = new SessionSettings
        {
            ExecutionProvider = options.ExecutionProvider,
            CudaDeviceId = options.CudaDeviceId,
            OptimizationLevel = options.OptimizationLevel,
            IntraOpThreads = options.IntraOpThreads,
            InterOpThreads = options.InterOpThreads,
        };
        bool cacheHit = false;
        string? cachePath = null;
        // The factory may call this twice (CUDA, then CPU after a CUDA failure); the last call is the session returned.
        var handle = OrtSessionFactory.Create(settings, (sessionOptions, provider) =>
        {
            var (session, hit, path) = CreateSession(file, provider, options, sessionOptions);
            (cacheHit, cachePath) = (hit, path);
            return session;
        }, file.ModelPath);
        return (handle, cacheHit, cachePath);
    }

    /// <summary>The cache file of <paramref name="file"/> on <paramref name="provider"/> at the options' optimization level on this CPU.</summary>
    public static string EntryPath(string cacheFolder, PackageModelFile file, string provider, GraphOptimizationLevel level) =>
        Path.Combine(Path.GetFullPath(cacheFolder),
            $"{file.Sha256[..16]}-{provider.Replace("ExecutionProvider", "", StringComparison.Ordinal).ToLowerInvariant()}-{LevelTag(level)}-{CpuFeatures.Current.CacheTag}.onnx");

    private static (InferenceSession Session, bool CacheHit, string? CachePath) CreateSession(PackageModelFile file, string provider,
        ClassifierOptions options, SessionOptions sessionOptions)
    {
        if (options.OptimizedModelCacheFolder is not { } folder) return (new InferenceSession(file.ModelPath, sessionOptions), false, null);

        OutputFolder.Create(folder);
        var cachePath = EntryPath(folder, file, provider, options.OptimizationLevel);
        if (File.Exists(cachePath) && TryOpenCached(cachePath, sessionOptions) is { } cached) return (cached, true, cachePath);

        // ONNX Runtime writes the optimized graph itself; give it a temporary name and rename, so no half-written cache exists.
        var temp = cachePath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        sessionOptions.OptimizedModelFilePath = temp;
        InferenceSession session;
        try
        {
            session = new InferenceSession(file.ModelPath, sessionOptions);
        }
        finally
        {
            sessionOptions.OptimizedModelFilePath = "";
        }
        if (File.Exists(temp)) File.Move(temp, cachePath, overwrite: true);
        return (session, false, cachePath);
    }

    /// <summary>The cached graph opened without further optimization, or null (and the entry deleted) when ONNX Runtime refuses it.</summary>
    private static InferenceSession? TryOpenCached(string cachePath, SessionOptions sessionOptions)
    {
        var level = sessionOptions.GraphOptimizationLevel;
        sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
        try
        {
            return new InferenceSession(cachePath, sessionOptions);
        }
        catch (OnnxRuntimeException)
        {
            File.Delete(cachePath);
            return null;
        }
        finally
        {
            sessionOptions.GraphOptimizationLevel = level;
        }
    }

    private static string LevelTag(GraphOptimizationLevel level) => level switch
    {
        GraphOptimizationLevel.ORT_DISABLE_ALL => "none",
        GraphOptimizationLevel.ORT_ENABLE_BASIC => "basic",
        GraphOptimizationLevel.ORT_ENABLE_EXTENDED => "extended",
        _ => "all",
    };
}
