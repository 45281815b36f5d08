using System.Security.Cryptography;
using System.Text;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Recognises published data files by their git blob id (<c>git hash-object</c>: sha1 of <c>"blob &lt;size&gt;\0"</c> + bytes),
/// so a user can see that their copy of, say, the Kaggle PPKM file is the one the paper used, byte for byte.
/// Ids from /work/shared/data/SOURCES.md and ppkm/expected_fingerprint.json.
/// </summary>
public static class KnownDataFiles
{
    private static readonly Dictionary<string, string> ByBlob = new(StringComparer.Ordinal)
    {
        ["cc3ddc40ae38773c8db745070c74a5a6ccb48566"] = "Kaggle anggapurnama/twitter-dataset-ppkm INA_TweetsPPKM_Labeled_Pure.csv (23,644 rows), the paper's data",
        ["05fa9e062b81bc57e72a4bd19f14ad14b7b0de8c"] = "IndoNLU SmSA train_preprocess.tsv (11,000 rows)",
        ["4bbd081c3a96aba2ff2cacbddb4cb7b29b261c08"] = "IndoNLU SmSA valid_preprocess.tsv (1,260 rows)",
        ["78556797cae7c8a359ea7bb3585893c209e75d63"] = "IndoNLU SmSA test_preprocess.tsv (500 rows)",
    };

    /// <summary>The git blob id of <paramref name="path"/>'s bytes.</summary>
    public static string GitBlobId(string path)
    {
        var bytes = File.ReadAllBytes(path);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"));
        sha1.AppendData(bytes);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    /// <summary>What <paramref name="path"/> is when it is a known published file, else null.</summary>
    public static string? Identify(string path) => Describe(GitBlobId(path));

    /// <summary>What the file with git blob id <paramref name="blobId"/> is, when known, else null.</summary>
    public static string? Describe(string blobId) => ByBlob.GetValueOrDefault(blobId);
}
