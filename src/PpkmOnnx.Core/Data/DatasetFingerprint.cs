using System.Security.Cryptography;
using System.Text;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// sha256 of a dataset's ordered rows: for each row, the UTF-8 class name, byte 0x1F, the UTF-8 text, byte 0x1E.
/// Same rows, same order, same names → same fingerprint, on any machine. Written as <c>sha256:hex</c>.
/// </summary>
public static class DatasetFingerprint
{
    /// <summary>Fingerprint of <paramref name="dataset"/>.</summary>
    public static string Compute(TextClassificationDataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, dataset);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Fingerprint of named parts in order (e.g. train, validation, test): each part's name, 0x1D, then its rows.</summary>
    public static string Compute(IEnumerable<(string Name, TextClassificationDataset Dataset)> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, dataset) in parts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0x1D]);
            Append(hash, dataset);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, TextClassificationDataset dataset)
    {
        foreach (var row in dataset.Rows)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(dataset.LabelNames[row.Label]));
            hash.AppendData([0x1F]);
            hash.AppendData(Encoding.UTF8.GetBytes(row.Text));
            hash.AppendData([0x1E]);
        }
    }
}
