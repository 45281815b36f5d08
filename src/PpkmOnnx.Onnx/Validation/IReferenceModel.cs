using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>A model an export is checked against (the TorchSharp model in production, a naive forward pass or ONNX Runtime in tests).</summary>
public interface IReferenceModel
{
    /// <summary>
    /// The first output for <paramref name="batch"/>, row-major: logits [batch, num_labels] for classifiers,
    /// last_hidden_state [batch, sequence, hidden] for base models.
    /// </summary>
    float[] Forward(EncodedBatch batch);
}
