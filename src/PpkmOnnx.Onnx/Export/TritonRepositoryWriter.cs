using System.Globalization;
using System.Text;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Onnx.IO;

namespace PpkmOnnx.Onnx.Export;

/// <summary>
/// Writes a Triton Inference Server model repository entry: <c>&lt;name&gt;/config.pbtxt</c> (onnxruntime_onnx, dynamic
/// batching, -1 for the sequence dimension) and <c>&lt;name&gt;/1/model.onnx</c>.
/// </summary>
public static class TritonRepositoryWriter
{
    /// <summary>
    /// Checks, before anything is written, that the entry <paramref name="modelName"/> may be written under
    /// <paramref name="repository"/> (as <see cref="StagingFolder.CheckDestination"/>), and returns the model folder's full path.
    /// An export asks first, so a refused entry never leaves a package behind.
    /// </summary>
    /// <exception cref="InvalidSettingException">The name (<see cref="ExportOptions.TritonModelName"/>) is not a plain folder name.</exception>
    /// <exception cref="UserInputException">The repository, or a folder above it, is a file; the model folder is a file.</exception>
    /// <exception cref="SettingsAdviceException">The model folder has content and <paramref name="overwrite"/> is false.</exception>
    public static string CheckDestination(string repository, string modelName, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (string.IsNullOrWhiteSpace(modelName) || modelName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || modelName is "." or "..")
            throw new InvalidSettingException(nameof(ExportOptions.TritonModelName), $"'{modelName}' is not a valid Triton model name (one folder name: no '/', not '.' or '..').");
        return StagingFolder.CheckDestination(Path.Combine(repository, modelName), overwrite);
    }

    /// <summary>
    /// Stages the entry for <paramref name="modelPath"/> (checked as <see cref="CheckDestination"/>) and returns it
    /// uncommitted, so the caller commits it together with the package it belongs to.
    /// </summary>
    /// <exception cref="InvalidSettingException">The name is not a plain folder name.</exception>
    /// <exception cref="ArgumentException">The batch size is not positive.</exception>
    public static StagingFolder Stage(string repository, string modelName, string modelPath, ModelConfig config, bool hasPooler, int maxBatchSize, bool overwrite)
    {
        if (maxBatchSize < 1) throw new ArgumentException($"Triton max_batch_size must be positive, got {maxBatchSize}.");
        var staging = StagingFolder.Begin(CheckDestination(repository, modelName, overwrite), overwrite);
        try
        {
            Directory.CreateDirectory(staging.Combine("1"));
            File.Copy(modelPath, staging.Combine("1", "model.onnx"));
            AtomicFile.WriteAllText(staging.Combine("config.pbtxt"), ConfigText(modelName, config, hasPooler, maxBatchSize));
            return staging;
        }
        catch
        {
            staging.Dispose();
            throw;
        }
    }

    /// <summary>The config.pbtxt text.</summary>
    public static string ConfigText(string modelName, ModelConfig config, bool hasPooler, int maxBatchSize)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"name: \"{TextFormatString(modelName)}\"\n");
        s.Append("platform: \"onnxruntime_onnx\"\n");
        s.Append(CultureInfo.InvariantCulture, $"max_batch_size: {maxBatchSize}\n");
        s.Append("dynamic_batching { }\n");
        var inputs = TransformerGraphWriter.InputNames(config.Architecture);
        s.Append("input [\n");
        s.Append(string.Join(",\n", inputs.Select(n => $"  {{\n    name: \"{n}\"\n    data_type: TYPE_INT64\n    dims: [ -1 ]\n  }}")));
        s.Append("\n]\noutput [\n");
        var outputs = new List<string>();
        if (config.NumLabels > 0) outputs.Add(Output(ModelGraphNames.Logits, config.NumLabels.ToString(CultureInfo.InvariantCulture)));
        else
        {
            outputs.Add(Output(ModelGraphNames.LastHiddenState, $"-1, {config.HiddenSize}"));
            if (hasPooler) outputs.Add(Output(ModelGraphNames.PoolerOutput, config.HiddenSize.ToString(CultureInfo.InvariantCulture)));
        }
        s.Append(string.Join(",\n", outputs));
        s.Append("\n]\n");
        return s.ToString();
    }

    // A string in protobuf's text format: a folder name may hold '"' or '\', which would otherwise end or escape the string.
    internal static string TextFormatString(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Output(string name, string dims) => $"  {{\n    name: \"{name}\"\n    data_type: TYPE_FP32\n    dims: [ {dims} ]\n  }}";
}
