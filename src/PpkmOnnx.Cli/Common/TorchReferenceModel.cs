using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;
using PpkmOnnx.Training.Checkpoints;

namespace PpkmOnnx.Cli.Common;

/// <summary>
/// The TorchSharp forward pass of a checkpoint, as the independent reference <c>ppkm export</c> validates the ONNX
/// graph against (the exporter library itself never touches TorchSharp). Classifiers give logits; base models
/// (no labels) give last_hidden_state.
/// </summary>
internal sealed class TorchReferenceModel : IReferenceModel, IDisposable
{
    private readonly LoadedCheckpoint _checkpoint;

    private TorchReferenceModel(LoadedCheckpoint checkpoint) => _checkpoint = checkpoint;

    /// <summary>True when the model has a classification head (its output is logits).</summary>
    public bool OutputsLogits => _checkpoint.Model.Config.NumLabels > 0;

    public static TorchReferenceModel Load(string checkpointFolder) =>
        new(CheckpointLoader.Load(checkpointFolder, new CheckpointLoadOptions { Device = "cpu" }));

    public float[] Forward(EncodedBatch batch) =>
        OutputsLogits ? _checkpoint.Model.Logits(batch) : _checkpoint.Model.LastHiddenState(batch);

    public void Dispose() => _checkpoint.Dispose();
}
