using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public class PreparedDataTests
{
    [Fact]
    public void ExcludeTextsFromDropsExactlyTheRowsWhoseTextIsInTheOtherFile()
    {
        using var tmp = TestPaths.NewTempFolder();
        var heldOut = tmp.Combine("heldout.tsv");
        var training = tmp.Combine("train.csv");
        var rows = Enumerable.Range(0, 30).Select(i => $"tweet nomor {i} tentang ppkm\t{(i % 3 == 0 ? "negative" : i % 3 == 1 ? "neutral" : "positive")}");
        File.WriteAllText(heldOut, "text\tlabel\n" + string.Join("\n", rows) + "\n");
        // Two of these are in the held-out file; "tweet nomor 3" is a prefix of one, not equal to it, so it stays.
        File.WriteAllText(training, "Tweet,Class\n\"tweet nomor 4 tentang ppkm\",1\n\"tweet nomor 17 tentang ppkm\",2\n\"tweet nomor 3\",3\n");

        var all = PreparedData.Prepare(new DataLoadOptions { Path = heldOut });
        var filtered = PreparedData.Prepare(new DataLoadOptions { Path = heldOut, ExcludeTextsFrom = training });

        Assert.Equal(0, all.OverlapDropped);
        Assert.Equal(2, filtered.OverlapDropped);
        Assert.Equal(28, filtered.Dataset.Rows.Count);
        Assert.DoesNotContain(filtered.Dataset.Rows, r => r.Text is "tweet nomor 4 tentang ppkm" or "tweet nomor 17 tentang ppkm");
    }

    [SkippableFact]
    public void IfestSheetTwoWithoutSheetOneTextsLosesThe125SharedTexts()
    {
        var sheet1 = TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv");
        var sheet2 = TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet2.csv");
        // SOURCES.md: sheet 2 has 1,056 rows, no duplicates, and 125 texts that also appear in sheet 1.
        var prepared = PreparedData.Prepare(new DataLoadOptions { Path = sheet2, Labels = "1=negative,2=neutral,3=positive", ExcludeTextsFrom = sheet1 });
        Assert.Equal(125, prepared.OverlapDropped);
        Assert.Equal(1056 - 125, prepared.Dataset.Rows.Count);
    }
}
