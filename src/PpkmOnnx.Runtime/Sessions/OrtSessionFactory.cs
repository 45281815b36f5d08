using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>
/// Opens ONNX Runtime sessions on the chosen execution provider. Auto tries CUDA and falls back to CPU when CUDA cannot be
/// appended (<see cref="OnnxRuntimeException"/> without the CUDA libraries, <see cref="EntryPointNotFoundException"/> with
/// the CPU-only native library, <see cref="DllNotFoundException"/>) or the session cannot start on it; the provider really
/// used is reported. <c>OrtEnv.GetAvailableProviders()</c> is not asked: it lists CUDA whenever the GPU package is present.
/// </summary>
public static class OrtSessionFactory
{
    /// <summary>ONNX Runtime's name of the CPU provider.</summary>
    public const string CpuProviderName = "CPUExecutionProvider";
    /// <summary>ONNX Runtime's name of the CUDA provider.</summary>
    public const string CudaProviderName = "CUDAExecutionProvider";

    /// <summary>Opens the model file at <paramref name="modelPath"/>.</summary>
    /// <exception cref="UserInputException">CUDA was requested explicitly and cannot be used, or ONNX Runtime cannot load the model.</exception>
    public static OrtSessionHandle Create(string modelPath, SessionSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return Create(settings, (options, _) => new InferenceSession(modelPath, options), modelPath);
    }

    /// <summary>Opens a model held in memory.</summary>
    /// <exception cref="UserInputException">CUDA was requested explicitly and cannot be used, or ONNX Runtime cannot load the model.</exception>
    public static OrtSessionHandle Create(byte[] model, SessionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(settings, (options, _) => new InferenceSession(model, options), "the in-memory model");
    }

    /// <summary>
    /// Opens a session through <paramref name="open"/>, which receives the prepared options and the provider name they carry
    /// (for callers that choose the file themselves, e.g. from an optimized-model cache keyed by provider). It may be called
    /// twice: with CUDA, then, in auto mode after a CUDA failure, with fresh CPU options.
    /// </summary>
    /// <param name="settings">Provider, threads and optimization level.</param>
    /// <param name="open">Opens the session with the prepared options.</param>
    /// <param name="modelName">The model's file (or a description) for error messages.</param>
    /// <exception cref="UserInputException">
    /// CUDA was requested explicitly and cannot be used, or ONNX Runtime cannot load the model (not ONNX, truncated, an
    /// operator it lacks); the cause is the inner exception.
    /// </exception>
    public static OrtSessionHandle Create(SessionSettings settings, Func<SessionOptions, string, InferenceSession> open, string modelName = "the model")
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(open);
        string? note = null;
        var options = settings.NewSessionOptions();
        try
        {
            if (settings.ExecutionProvider != ExecutionProviderPreference.Cpu)
            {
                bool appended = false;
                try
                {
                    options.AppendExecutionProvider_CUDA(settings.CudaDeviceId);
                    appended = true;
                }
                catch (Exception e) when (IsCudaFailure(e))
                {
                    // The options stay usable without CUDA: an auto load carries on with them on CPU.
                    if (settings.ExecutionProvider == ExecutionProviderPreference.Cuda) throw CudaUnavailable(e, modelName);
                    note = CudaFailureNote(e);
                }
                if (appended)
                {
                    try
                    {
                        return new OrtSessionHandle(open(options, CudaProviderName), options, CudaProviderName, null);
                    }
                    catch (Exception e) when (IsCudaFailure(e))
                    {
                        // CUDA appended but the session could not start on it (e.g. missing cuDNN): same rule, but a provider
                        // cannot be removed from options, so CPU gets fresh ones.
                        if (settings.ExecutionProvider == ExecutionProviderPreference.Cuda) throw CudaUnavailable(e, modelName);
                        note = CudaFailureNote(e);
                        options.Dispose();
                        options = settings.NewSessionOptions();
                    }
                }
            }
            return new OrtSessionHandle(open(options, CpuProviderName), options, CpuProviderName, note);
        }
        catch (OnnxRuntimeException e)
        {
            // CUDA failures were handled above: what fails on CPU is the model file itself.
            options.Dispose();
            throw new UserInputException($"{modelName}: ONNX Runtime cannot load this model ({FirstLine(e.Message)}).", e);
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>The one-line reason recorded when CUDA could not be used: <c>CUDA unavailable: Type: first line</c>.</summary>
    public static string CudaFailureNote(Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return $"CUDA unavailable: {cause.GetType().Name}: {FirstLine(cause.Message)}";
    }

    private static bool IsCudaFailure(Exception e) => e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException;

    private static UserInputException CudaUnavailable(Exception e, string modelName) =>
        new($"{modelName}: the CUDA execution provider is not usable here ({e.GetType().Name}: {FirstLine(e.Message)}); use the auto or cpu provider.", e);

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}
