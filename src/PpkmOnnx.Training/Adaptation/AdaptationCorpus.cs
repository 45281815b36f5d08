using PpkmOnnx.Core;
using System.Security.Cryptography;
using System.Text;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Training.Adaptation;

/// <summary>
/// The unlabelled texts of a masked-LM adaptation: read from one or more files (plain lines, CSV/TSV, JSONL) with the
/// readers <c>--data</c> uses, de-duplicated and filtered by <see cref="TextMatchKey"/> (texts of excluded files — the
/// evaluation splits — never enter), and split into training lines and a held-back share for the loss curve. The
/// held-back choice hashes each text, so it does not depend on file order and the same text is always on the same side.
/// </summary>
public sealed record AdaptationCorpus
{
    /// <summary>Training texts, in file order.</summary>
    public required IReadOnlyList<string> Train { get; init; }
    /// <summary>Held-back texts for the loss curve.</summary>
    public required IReadOnlyList<string> HeldOut { get; init; }
    /// <summary>Lines read per source (files, then <c>extra</c> sources).</summary>
    public required IReadOnlyList<(string Source, int Rows)> Sources { get; init; }
    /// <summary>Texts dropped as duplicates of an earlier one (same key).</summary>
    public required int Duplicates { get; init; }
    /// <summary>Texts dropped because an excluded text has the same key.</summary>
    public required int Excluded { get; init; }
    /// <summary>SHA-256 of the kept texts (train then held-out), hex: recorded in adapt.json.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Reads and filters the corpus.</summary>
    /// <param name="files">Corpus files.</param>
    /// <param name="textColumn">Text column of delimited/JSONL files (null: detected).</param>
    /// <param name="extra">More texts by source name (e.g. the train split of a labelled file).</param>
    /// <param name="excludedTexts">Texts that must not be in the corpus (validation and test splits, held-out files).</param>
    /// <param name="heldOutShare">Share held back, in [0, 0.5).</param>
    /// <exception cref="UserInputException">A file is unreadable (binary, not UTF-8) or nothing is left to train on.</exception>
    public static AdaptationCorpus Load(IReadOnlyList<string> files, string? textColumn, IEnumerable<(string Source, IEnumerable<string> Texts)> extra,
        IEnumerable<string> excludedTexts, double heldOutShare)
    {
        if (heldOutShare is < 0 or >= 0.5) throw new ArgumentOutOfRangeException(nameof(heldOutShare), "held-out share must be in [0, 0.5).");
        var excluded = excludedTexts.Select(TextMatchKey.Of).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var train = new List<string>();
        var heldOut = new List<string>();
        var sources = new List<(string, int)>();
        int duplicates = 0, dropped = 0;
        void Add(string text)
        {
            var key = TextMatchKey.Of(text);
            // Texts without letters or digits (emoji only) are kept distinct by their own text.
            if (key.Length == 0) key = "\0" + text.Trim();
            if (excluded.Contains(key)) { dropped++; return; }
            if (!seen.Add(key)) { duplicates++; return; }
            (IsHeldOut(key, heldOutShare) ? heldOut : train).Add(text);
        }
        foreach (var file in files)
        {
            using var reader = TextRowReader.Open(file, new TextRowReaderOptions { TextColumn = textColumn });
            int rows = 0;
            foreach (var row in reader.ReadRows()) { rows++; Add(row.Text); }
            sources.Add((file, rows));
        }
        foreach (var (source, texts) in extra)
        {
            int rows = 0;
            foreach (var text in texts) { rows++; Add(text); }
            sources.Add((source, rows));
        }
        if (train.Count == 0)
            throw new UserInputException($"the corpus has no text left to train on ({sources.Sum(s => s.Item2)} rows read, {duplicates} duplicates, {dropped} excluded).");
        return new AdaptationCorpus
        {
            Train = train, HeldOut = heldOut, Sources = sources, Duplicates = duplicates, Excluded = dropped,
            Fingerprint = FingerprintOf(train.Concat(heldOut)),
        };
    }

    private static bool IsHeldOut(string key, double share)
    {
        // FNV-1a 64: stable across processes, unlike string.GetHashCode.
        ulong hash = 14695981039346656037UL;
        foreach (var c in key) { hash ^= c; hash *= 1099511628211UL; }
        return (hash % 1_000_000) < share * 1_000_000;
    }

    /// <summary>SHA-256 (hex) of <paramref name="texts"/> in order, one per line.</summary>
    internal static string FingerprintOf(IEnumerable<string> texts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in texts) { sha.AppendData(Encoding.UTF8.GetBytes(t)); sha.AppendData([(byte)'\n']); }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
