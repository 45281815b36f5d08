using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Benchmarking.Running;

/// <summary>One ONNX model opened on the chosen execution provider, with the input and output names it needs.</summary>
internal sealed class VariantSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    private VariantSession(string path, OrtSessionHandle handle)
    {
        ModelPath = path;
        _handle = handle;
        _session = handle.Session;
        ExecutionProvider = handle.IsCuda ? "CUDA" : "CPU";
        ProviderNote = handle.FallbackNote;
        var session = handle.Session;
        _inputNames = ModelGraphNames.ClassifierInputs(session.InputMetadata.Keys, path);
        UsesTokenTypes = _inputNames.Contains(ModelGraphNames.TokenTypeIds);
        _outputNames = [ModelGraphNames.ClassifierOutput(session.OutputMetadata.Keys, path)];
        Metadata = session.ModelMetadata.CustomMetadataMap;
    }

    /// <summary>The ONNX file.</summary>
    public string ModelPath { get; }
    /// <summary>CUDA or CPU: the provider this session really runs on.</summary>
    public string ExecutionProvider { get; }
    /// <summary>Why CUDA was not used though asked for, or null.</summary>
    public string? ProviderNote { get; }
    /// <summary>The graph takes token_type_ids.</summary>
    public bool UsesTokenTypes { get; }
    /// <summary>The model's metadata_props.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens <paramref name="path"/>; CUDA first unless <paramref name="preference"/> is CPU.</summary>
    /// <exception cref="UserInputException">CUDA was required but could not be used, or the file is not a loadable model.</exception>
    public static VariantSession Open(string path, ExecutionProviderPreference preference, int cudaDeviceId, int? intraOpThreads)
    {
        var settings = new SessionSettings
        {
            ExecutionProvider = preference,
            CudaDeviceId = cudaDeviceId,
            OptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpThreads = intraOpThreads ?? 0,
        };
        var handle = OrtSessionFactory.Create(path, settings);
        try
        {
            return new VariantSession(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="batch"/> and returns the logits, row-major [batch, classes].</summary>
    public float[] Logits(PreparedBatch batch, out int classes)
    {
        using var outputs = _session.Run(_runOptions, _inputNames, batch.Inputs(UsesTokenTypes), _outputNames);
        var logits = outputs[0];
        var info = logits.GetTensorTypeAndShape();
        if (info.Shape.Length != 2 || info.Shape[0] != batch.BatchSize)
            throw new UserInputException($"{ModelPath}: output '{_outputNames[0]}' has shape [{string.Join(",", info.Shape)}], expected [{batch.BatchSize}, classes].");
        classes = (int)info.Shape[1];
        return info.ElementDataType switch
        {
            TensorElementType.Float => logits.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Float16 => logits.GetTensorDataAsSpan<Float16>().ToArray().Select(h => (float)h).ToArray(),
            _ => throw new UserInputException($"{ModelPath}: output '{_outputNames[0]}' is {info.ElementDataType}, expected float or float16."),
        };
    }

    /// <summary>Runs <paramref name="batch"/> and returns the wall time of the call in stopwatch ticks.</summary>
    public long TimedRun(PreparedBatch batch)
    {
        var inputs = batch.Inputs(UsesTokenTypes);
        long start = Stopwatch.GetTimestamp();
        using (_session.Run(_runOptions, _inputNames, inputs, _outputNames)) { }
        return Stopwatch.GetTimestamp() - start;
    }

    public void Dispose()
    {
        _handle.Dispose();
        _runOptions.Dispose();
    }
}
