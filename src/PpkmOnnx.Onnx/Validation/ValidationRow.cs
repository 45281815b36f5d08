namespace PpkmOnnx.Onnx.Validation;

/// <summary>One line of the validation table: a batch size and how far the export strayed from the reference on it.</summary>
/// <param name="BatchSize">Texts per batch.</param>
/// <param name="Batches">Batches run.</param>
/// <param name="MaxAbsDiff">Largest absolute difference over every output value.</param>
/// <param name="ArgmaxAgreement">Fraction of rows whose argmax over the last axis agrees.</param>
/// <param name="Passed">Within tolerance, and every argmax agrees when the output is logits.</param>
public sealed record ValidationRow(int BatchSize, int Batches, double MaxAbsDiff, double ArgmaxAgreement, bool Passed);
