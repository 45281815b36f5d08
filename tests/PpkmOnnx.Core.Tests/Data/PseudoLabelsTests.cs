using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public class PseudoLabelsTests
{
    private static readonly string[] Labels = ["negative", "neutral", "positive"];

    // Train: three negative rows and one positive; validation and test one row each.
    private static DatasetSplit Split() => new(
        new TextClassificationDataset(
        [
            new LabelledText("ppkm bikin susah", 0), new LabelledText("rakyat makin susah", 0),
            new LabelledText("pasar sepi terus", 0), new LabelledText("vaksin gratis mantap", 2),
        ], Labels, "train"),
        new TextClassificationDataset([new LabelledText("Halo Dunia, PPKM diperpanjang!", 1)], Labels, "train"),
        new TextClassificationDataset([new LabelledText("Mal tutup lagi", 0)], Labels, "train"),
        Seed: 1);

    private static string PredictionsCsv(TempFolder tmp, params string[] rows)
    {
        var path = tmp.Combine("pred.csv");
        File.WriteAllText(path, "row,text,label,prob_negative,prob_neutral,prob_positive\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    [Fact]
    public void Keeps_confident_new_texts_and_leaves_out_evaluation_excluded_and_repeated_ones()
    {
        using var tmp = TestPaths.NewTempFolder();
        var excludedFile = tmp.Combine("heldout.txt");
        File.WriteAllText(excludedFile, "jalan ditutup polisi\n");
        var path = PredictionsCsv(tmp,
            "1,@USER halo dunia ppkm DIPERPANJANG HTTPURL,neutral,0.05,0.9,0.05",  // the validation text, cleaned: left out
            "2,mal tutup lagi!!,negative,0.95,0.03,0.02",                          // the test text: left out
            "3,harga naik terus,negative,0.6,0.3,0.1",                             // below 0.7
            "4,Jalan ditutup polisi,neutral,0.1,0.8,0.1",                          // in the excluded file
            "5,PPKM bikin susah,negative,0.99,0.005,0.005",                        // a labelled training text
            "6,\"bantuan sosial cair, alhamdulillah\",positive,0.01,0.02,0.97",
            "7,kantor kerja dari rumah,neutral,0.2,0.75,0.05",
            "8,Kantor kerja dari rumah.,neutral,0.2,0.75,0.05",                    // repeats row 7
            "9,:) :),positive,0.0,0.0,1.0");                                       // nothing alphanumeric

        var split = PseudoLabels.AddToTrain(Split(), new PseudoLabelOptions { Path = path, MinConfidence = 0.7, ExcludeTextsFrom = [excludedFile] });

        var report = split.PseudoLabels!;
        Assert.Equal((9, 1, 2, 1, 3, 0, 2), (report.Read, report.BelowConfidence, report.InEvaluationSplits, report.Excluded, report.InTrainOrRepeated, report.OverLimit, report.Kept));
        Assert.Equal([0, 1, 1], report.KeptClassCounts);
        Assert.Equal(6, split.Train.Rows.Count);
        Assert.Equal(("bantuan sosial cair, alhamdulillah", 2), (split.Train.Rows[4].Text, split.Train.Rows[4].Label));
        Assert.Equal(("kantor kerja dari rumah", 1), (split.Train.Rows[5].Text, split.Train.Rows[5].Label));
        Assert.Equal("Halo Dunia, PPKM diperpanjang!", Assert.Single(split.Validation.Rows).Text);
        Assert.Equal("Mal tutup lagi", Assert.Single(split.Test.Rows).Text);
    }

    [Fact]
    public void A_limit_gives_each_class_its_labelled_share_filled_with_its_most_confident_rows_in_file_order()
    {
        using var tmp = TestPaths.NewTempFolder();
        // Labelled train is 3 negative : 0 neutral : 1 positive, so a limit of 4 is 3 negative + 1 positive.
        var path = PredictionsCsv(tmp,
            "1,satu,negative,0.95,0.03,0.02",
            "2,dua,negative,0.99,0.005,0.005",
            "3,tiga,positive,0.04,0.04,0.92",
            "4,empat,negative,0.91,0.05,0.04",
            "5,lima,neutral,0.01,0.98,0.01",
            "6,enam,positive,0.01,0.01,0.98",
            "7,tujuh,negative,0.97,0.02,0.01");

        var split = PseudoLabels.AddToTrain(Split(), new PseudoLabelOptions { Path = path, MinConfidence = 0.9, Limit = 4 });

        Assert.Equal(["satu", "dua", "enam", "tujuh"], split.Train.Rows.Skip(4).Select(r => r.Text));
        Assert.Equal((3, 4), (split.PseudoLabels!.OverLimit, split.PseudoLabels.Kept));
        Assert.Equal([3, 0, 1], split.PseudoLabels.KeptClassCounts);
    }

    [Fact]
    public void Reads_json_lines_as_ppkm_predict_writes_them()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("pred.jsonl");
        File.WriteAllText(path,
            "{\"row\":1,\"text\":\"bansos telat lagi\",\"label\":\"negative\",\"prob_negative\":0.93,\"prob_neutral\":0.05,\"prob_positive\":0.02}\n\n"
            + "{\"row\":2,\"text\":\"info vaksin hari ini\",\"label\":\"neutral\",\"prob_negative\":0.1,\"prob_neutral\":0.85,\"prob_positive\":0.05}\n");

        var split = PseudoLabels.AddToTrain(Split(), new PseudoLabelOptions { Path = path });

        Assert.Equal(["bansos telat lagi"], split.Train.Rows.Skip(4).Select(r => r.Text));
        Assert.Equal(1, split.PseudoLabels!.BelowConfidence);
    }

    [Theory]
    [InlineData("1,teks,bahagia,0.1,0.1,0.8", "line 2: label 'bahagia' is not one of the data's classes [negative, neutral, positive]")]
    [InlineData("1,teks,positive,0.1,0.1,1.8", "line 2: prob_positive must be a probability in [0, 1], got '1.8'")]
    [InlineData("1,teks,positive,0.1,0.1", "line 2: no 'prob_positive' value")]
    public void A_bad_row_is_refused_naming_its_line(string row, string expected)
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = PredictionsCsv(tmp, row);
        var e = Assert.Throws<UserInputException>(() => PseudoLabels.AddToTrain(Split(), new PseudoLabelOptions { Path = path }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var e = Assert.Throws<UserInputException>(() => PseudoLabels.AddToTrain(Split(), new PseudoLabelOptions { Path = "/nonexistent/pred.csv" }));
        Assert.Contains("/nonexistent/pred.csv: pseudo-label file not found", e.Message);
    }
}
