namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of adapt.json <c>corpus.sources</c>.</summary>
/// <param name="Source"><c>source</c>: a file, or a named source such as a labelled file's train split.</param>
/// <param name="Rows"><c>rows</c>: lines read from it.</param>
public sealed record AdaptCorpusSourceRecord(string Source, int Rows);
