using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;
using Xunit.Abstractions;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class DemoDatasetTests(ITestOutputHelper output)
{
    [Fact]
    public void SameSeedSameBytes_OtherSeedOtherTweets()
    {
        Assert.Equal(DemoDataset.ToText(42), DemoDataset.ToText(42));
        Assert.NotEqual(DemoDataset.ToText(42), DemoDataset.ToText(43));
    }

    [Fact]
    public void IsKaggleFormat_ReadWithTheBuiltInMapping_Balanced()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path, seed: 42);
        Assert.StartsWith("Date\tUser\tTweet\tsentiment\n2022-03-31 14:32:04+00:00\t", File.ReadAllText(path));
        var loaded = DatasetReader.Read(new DataLoadOptions { Path = path });
        Assert.Equal(LabelMappingSource.BuiltInDefault, loaded.Labels.Source);
        Assert.Equal(600, loaded.Dataset.Rows.Count);
        Assert.Equal(0, DatasetCleaner.Clean(loaded.Dataset).Report.ExactDuplicatesDropped);
        Assert.All(loaded.Dataset.ClassCounts(), c => Assert.InRange(c, 180, 220));
        var texts = loaded.Dataset.Rows.Select(r => r.Text).ToList();
        Assert.Contains(texts, t => t.Contains('@'));
        Assert.Contains(texts, t => t.Contains('#'));
        Assert.Contains(texts, t => t.Contains("https://t.co/"));
    }

    /// <summary>
    /// An independent tiny classifier (multinomial naive Bayes on lower-cased words, written here) must beat chance by far,
    /// yet not be perfect: the label noise and shared topic words keep the task from being trivial.
    /// </summary>
    [Fact]
    public void IsLearnable_ButNotTrivially()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("demo.csv");
        DemoDataset.Write(path, seed: 42);
        var prepared = PreparedData.Prepare(new DataLoadOptions { Path = path, Seed = 1 });
        var train = prepared.Split.Train.Rows;
        var heldOut = prepared.Split.Validation.Rows.Concat(prepared.Split.Test.Rows).ToList();
        static string[] Words(string t) => t.ToLowerInvariant().Split([' ', ',', '.', '?', '!', ':'], StringSplitOptions.RemoveEmptyEntries);
        var counts = new Dictionary<string, int>[3] { new(), new(), new() };
        var totals = new int[3];
        var priors = new int[3];
        foreach (var r in train)
        {
            priors[r.Label]++;
            foreach (var w in Words(r.Text)) { counts[r.Label][w] = counts[r.Label].GetValueOrDefault(w) + 1; totals[r.Label]++; }
        }
        int vocabulary = counts.SelectMany(c => c.Keys).Distinct().Count();
        int Predict(string text) => Enumerable.Range(0, 3).MaxBy(c =>
            Math.Log(priors[c]) + Words(text).Sum(w => Math.Log((counts[c].GetValueOrDefault(w) + 1.0) / (totals[c] + vocabulary))));
        double accuracy = heldOut.Count(r => Predict(r.Text) == r.Label) / (double)heldOut.Count;
        output.WriteLine($"naive Bayes held-out accuracy: {accuracy:P1} on {heldOut.Count} rows (chance 33 %)");
        Assert.InRange(accuracy, 0.70, 0.99);
        // No single-word rule: no word is in over half of one class's tweets while in under a tenth of the others'.
        var documents = new Dictionary<string, int>[3] { new(), new(), new() };
        foreach (var r in train)
            foreach (var w in Words(r.Text).Distinct()) documents[r.Label][w] = documents[r.Label].GetValueOrDefault(w) + 1;
        for (int c = 0; c < 3; c++)
            foreach (var (word, n) in documents[c])
            {
                if (n <= 0.5 * priors[c]) continue;
                int others = Enumerable.Range(0, 3).Where(o => o != c).Sum(o => documents[o].GetValueOrDefault(word));
                int otherRows = train.Count - priors[c];
                Assert.True(others >= 0.1 * otherRows, $"'{word}' is in {n}/{priors[c]} tweets of class {c} but only {others}/{otherRows} of the others.");
            }
    }
}
