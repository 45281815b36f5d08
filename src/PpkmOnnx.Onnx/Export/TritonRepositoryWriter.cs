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
    /// <summary>Writes the entry for <paramref name="modelPath"/> and returns the model folder.</summary>
    /// <exception cref="ArgumentException">The name is not a plain folder name or the batch size is not positive.</exception>
    public static string Write(string repository, string modelName, string modelPath, ModelConfig config, bool hasPooler, int maxBatchSize, bool overwrite)
    {
        if (string.IsNullOrWhiteSpace(modelName) || modelName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || modelName is "." or "..")
            throw new UserInputException($"'{modelName}' is not a valid Triton model name.");
        if (maxBatchSize < 1) throw new ArgumentException($"Triton max_batch_size must be positive, got {maxBatchSize}.");
        using var staging = StagingFolder.Begin(Path.Combine(repository, modelName), overwrite);
        Directory.CreateDirectory(staging.Combine("1"));
        File.Copy(modelPath, staging.Combine("1", "model.onnx"));
        AtomicFile.WriteAllText(staging.Combine("config.pbtxt"), ConfigText(modelName, config, hasPooler, maxBatchSize));
        staging.Commit();
        return staging.Destination;
    }

    /// <summary>The config.pbtxt text.</summary>
    public static string ConfigText(string modelName, ModelConfig config, bool hasPooler, int maxBatchSize)
    {
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"name: \"{modelName}\"\n");
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

    private static string Output(string name, string dims) => $"  {{\n    name: \"{name}\"\n    data_type: TYPE_FP32\n    dims: [ {dims} ]\n  }}";
}
