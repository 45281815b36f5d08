namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>head</c>: the masked-LM head trained.</summary>
/// <param name="Fresh"><c>fresh</c>: head tensors the starting checkpoint lacked (initialized fresh).</param>
/// <param name="Decoder"><c>decoder</c>: how the output projection is made (tied to the word embeddings).</param>
public sealed record AdaptHeadRecord(IReadOnlyList<string> Fresh, string Decoder);
