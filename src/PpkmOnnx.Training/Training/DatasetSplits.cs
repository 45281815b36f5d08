using System.Security.Cryptography;
using System.Text;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Training.Training;

/// <summary>The train/validation/test rows of one run and their class names (class id i is <c>LabelNames[i]</c>).</summary>
/// <param name="Train">Rows the optimizer sees.</param>
/// <param name="Validation">Rows that pick the best epoch (macro-F1).</param>
/// <param name="Test">Rows scored once with the best checkpoint (may be empty).</param>
/// <param name="LabelNames">Class names by id.</param>
/// <param name="Source">Where the rows came from (a path), recorded in training.json.</param>
public sealed record DatasetSplits(
    IReadOnlyList<LabelledText> Train,
    IReadOnlyList<LabelledText> Validation,
    IReadOnlyList<LabelledText> Test,
    IReadOnlyList<string> LabelNames,
    string Source = "")
{
    /// <summary>Checks the splits are usable: train and validation non-empty, at least two classes, every label in range.</summary>
    /// <exception cref="ArgumentException">The first problem found, naming the split and row.</exception>
    public void Validate()
    {
        if (LabelNames.Count < 2) throw new ArgumentException($"need at least two class names, got {LabelNames.Count}.");
        if (Train.Count == 0) throw new ArgumentException("the train split is empty.");
        if (Validation.Count == 0) throw new ArgumentException("the validation split is empty (it selects the best epoch).");
        foreach (var (name, rows) in new[] { ("train", Train), ("validation", Validation), ("test", Test) })
            for (int i = 0; i < rows.Count; i++)
                if (rows[i].Label < 0 || rows[i].Label >= LabelNames.Count)
                    throw new ArgumentException($"{name} row {i + 1}{(rows[i].SourceLine > 0 ? $" (line {rows[i].SourceLine})" : "")}: label id {rows[i].Label} is outside 0..{LabelNames.Count - 1}.");
    }

    /// <summary>Rows per class id in the train split.</summary>
    public int[] TrainClassCounts()
    {
        var counts = new int[LabelNames.Count];
        foreach (var r in Train) counts[r.Label]++;
        return counts;
    }

    /// <summary>A SHA-256 fingerprint (16 hex digits) of the label names and every split's texts and labels, in order.</summary>
    public string Fingerprint()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) { sha.AppendData(Encoding.UTF8.GetBytes(s)); sha.AppendData(new byte[] { 0 }); }
        foreach (var l in LabelNames) Add(l);
        foreach (var (name, rows) in new[] { ("train", Train), ("validation", Validation), ("test", Test) })
        {
            Add("#" + name);
            foreach (var r in rows) { Add(r.Label.ToString(System.Globalization.CultureInfo.InvariantCulture)); Add(r.Text); }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }
}
