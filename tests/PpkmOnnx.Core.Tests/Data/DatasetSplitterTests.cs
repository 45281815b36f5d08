using System.Security.Cryptography;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class DatasetSplitterTests
{
    private static TextClassificationDataset Synthetic(params int[] perClass)
    {
        var rows = new List<LabelledText>();
        for (int c = 0; c < perClass.Length; c++)
            for (int i = 0; i < perClass[c]; i++) rows.Add(new LabelledText($"class {c} text {i}", c, rows.Count + 2));
        return new TextClassificationDataset(rows, perClass.Select((_, c) => $"c{c}").ToList());
    }

    [Fact]
    public void SplitMix64_MatchesReferenceVectors()
    {
        // Reference outputs of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c; also recomputed in Python).
        var rng = SplitMix64.Create(1234567);
        Assert.Equal(6457827717110365317UL, rng.NextUInt64());
        Assert.Equal(3203168211198807973UL, rng.NextUInt64());
        Assert.Equal(9817491932198370423UL, rng.NextUInt64());
    }

    [Fact]
    public void Split_IsStratified8010_10_AndPartitionsTheRows()
    {
        var data = Synthetic(4398, 3923, 1243, 5);
        var split = DatasetSplitter.Split(data, new SplitOptions { Seed = 7 });
        int[] n = [4398, 3923, 1243, 5];
        // round(n × 0.1) per class, away from zero: 440, 392, 124, 1 (0.5 → 1).
        Assert.Equal([440, 392, 124, 1], split.Validation.ClassCounts());
        Assert.Equal([440, 392, 124, 1], split.Test.ClassCounts());
        Assert.Equal(n.Zip([880, 784, 248, 2], (a, b) => a - b), split.Train.ClassCounts());
        var all = split.Train.Rows.Concat(split.Validation.Rows).Concat(split.Test.Rows).ToList();
        Assert.Equal(data.Rows.Count, all.Distinct(ReferenceEqualityComparer.Instance).Count());
        Assert.Equal(data.Rows.Count, all.Count);
        // Interleaved, not grouped by class: the first 20 training rows hold more than one class.
        Assert.True(split.Train.Rows.Take(20).Select(r => r.Label).Distinct().Count() > 1);
    }

    [Fact]
    public void Split_SameSeedSameBytes_OtherSeedOtherSplit()
    {
        var data = Synthetic(300, 200, 100);
        var a = DatasetSplitter.Split(data, new SplitOptions { Seed = 42 });
        var b = DatasetSplitter.Split(data with { Rows = data.Rows.ToList() }, new SplitOptions { Seed = 42 });
        var c = DatasetSplitter.Split(data, new SplitOptions { Seed = 43 });
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
        Assert.Equal(Sha(TsvDatasetWriter.ToText(a.Train)), Sha(TsvDatasetWriter.ToText(b.Train)));
        Assert.NotEqual(Sha(TsvDatasetWriter.ToText(a.Train)), Sha(TsvDatasetWriter.ToText(c.Train)));
    }

    [Fact]
    public void Fingerprint_IsSha256OfTheDocumentedBytes()
    {
        var data = new TextClassificationDataset([new LabelledText("ppkm é", 1), new LabelledText("x", 0)], ["neg", "pos"]);
        var expected = SHA256.HashData([.. "pos"u8, 0x1F, .. "ppkm é"u8, 0x1E, .. "neg"u8, 0x1F, .. "x"u8, 0x1E]);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(expected), DatasetFingerprint.Compute(data));
    }

    [Fact]
    public void Limit_IsStratifiedByLargestRemainder_InFileOrder_AndSeeded()
    {
        var data = Synthetic(4398, 3923, 1243);
        var limited = DatasetSplitter.Limit(data, 1000, seed: 5);
        // 1000 × n / 9564 = 459.85, 410.18, 129.97 → floors 459, 410, 129 (998); remainders .85 and .97 get the 2 left.
        Assert.Equal([460, 410, 130], limited.ClassCounts());
        var lines = limited.Rows.Select(r => r.SourceLine).ToList();
        Assert.Equal(lines.Order(), lines);
        Assert.Equal(limited.Rows, DatasetSplitter.Limit(data, 1000, seed: 5).Rows);
        Assert.NotEqual(limited.Rows, DatasetSplitter.Limit(data, 1000, seed: 6).Rows);
        Assert.Same(data, DatasetSplitter.Limit(data, 20_000, seed: 5));
        Assert.Equal("Limit: must be positive, got 0.", Assert.Throws<InvalidSettingException>(() => DatasetSplitter.Limit(data, 0, seed: 5)).Message);
    }

    [SkippableFact]
    public void Prepare_IFest_Limit1000_SplitsTheSample()
    {
        var prepared = PreparedData.Prepare(new DataLoadOptions
        {
            Path = TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv"),
            Labels = "1=negative,2=neutral,3=positive",
            Limit = 1000,
        });
        Assert.Equal(9564, prepared.Cleaning.RowsKept);
        // Cleaned classes 4398/3923/1243 (after dropping duplicates and conflicts), so the same quotas as above.
        Assert.Equal([4398, 3923, 1243], prepared.Loaded.Dataset.ClassCounts().Zip(ClassesDropped(prepared), (a, b) => a - b));
        Assert.Equal([460, 410, 130], prepared.Dataset.ClassCounts());
        Assert.Equal(1000, prepared.Split.Train.Rows.Count + prepared.Split.Validation.Rows.Count + prepared.Split.Test.Rows.Count);
        Assert.Equal([46, 41, 13], prepared.Split.Test.ClassCounts());
    }

    private static int[] ClassesDropped(PreparedData p)
    {
        var cleaned = DatasetCleaner.Clean(p.Loaded.Dataset).Dataset.ClassCounts();
        return p.Loaded.Dataset.ClassCounts().Zip(cleaned, (a, b) => a - b).ToArray();
    }

    [Fact]
    public void TsvWriter_RoundTripsThroughTheReader()
    {
        using var tmp = TestPaths.NewTempFolder();
        var data = new TextClassificationDataset(
        [
            new LabelledText("baris\nbaru dan\ttab", 0), new LabelledText("kutip \"di tengah", 1), new LabelledText("\"awal kutip\"", 2),
            new LabelledText("biasa saja 😊", 1),
        ], ["negative", "neutral", "positive"]);
        var path = tmp.Combine("t.tsv");
        TsvDatasetWriter.Write(path, data);
        var back = DatasetReader.Read(new DataLoadOptions { Path = path });
        Assert.Equal(data.Rows.Select(r => (r.Text, r.Label)), back.Dataset.Rows.Select(r => (r.Text, r.Label)));
        Assert.Equal(DatasetFingerprint.Compute(data), DatasetFingerprint.Compute(back.Dataset));
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
