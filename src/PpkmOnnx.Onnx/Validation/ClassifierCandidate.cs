using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Runtime;
using PpkmOnnx.Runtime.Sessions;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>
/// An exported classifier as the exporter's check runs it: through the Runtime's classification core
/// (<see cref="ClassifierSession"/>), checked against the package being written, so the validated logits are the ones
/// <c>ppkm serve</c> and <c>ppkm bench</c> will read.
/// </summary>
internal sealed class ClassifierCandidate : IReferenceModel, IDisposable
{
    private readonly ClassifierSession _session;

    private ClassifierCandidate(ClassifierSession session) => _session = session;

    /// <summary>Opens <paramref name="modelPath"/> on CPU as part of the package in <paramref name="packageFolder"/>.</summary>
    /// <exception cref="PpkmOnnx.Core.UserInputException">ONNX Runtime cannot load it, or it does not fit the package.</exception>
    public static ClassifierCandidate Open(string modelPath, string packageFolder) =>
        new(ClassifierSession.Open(modelPath, packageFolder, new SessionSettings { ExecutionProvider = ExecutionProviderPreference.Cpu }));

    /// <summary>The logits of <paramref name="batch"/>, row-major [batch, labels].</summary>
    public float[] Forward(EncodedBatch batch) => _session.Run(batch).Values.ToArray();

    public void Dispose() => _session.Dispose();
}
