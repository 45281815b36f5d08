using PpkmOnnx.Runtime;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Tests.Support;

namespace PpkmOnnx.Runtime.Tests;

public sealed class StreamingClassificationTests : IDisposable
{
    private static readonly string[] Words = ["ppkm", "bagus", "buruk", "jelek", "senang", "sedih", "vaksin", "corona", "di", "rumah", "aja", "tidak", "suka"];
    private readonly TempFolder _temp = TestPaths.NewTempFolder();

    public void Dispose() => _temp.Dispose();

    private static string Text(int i) => $"{Words[i % Words.Length]} {Words[i * 7 % Words.Length]} {Words[i * 3 % Words.Length]}";

    [Fact]
    public void Chunks_InInputOrder_EqualClassify_AndPullOnlyOneChunkAhead()
    {
        var folder = _temp.Combine("pkg");
        var model = TinyPackage.Create(11);
        model.WriteTo(folder);
        using var classifier = SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu, IntraOpThreads = 1 });
        const int count = 103, chunkSize = 10;
        int pulled = 0;
        IEnumerable<int> Source()
        {
            for (int i = 0; i < count; i++) { pulled++; yield return i; }
        }

        var seen = new List<ClassifiedItem<int>>();
        int chunks = 0;
        foreach (var chunk in classifier.ClassifyChunks(Source(), Text, chunkSize))
        {
            chunks++;
            // Streaming: when a chunk is handed out, the source has been read no further than that chunk.
            Assert.Equal(Math.Min(count, chunks * chunkSize), pulled);
            Assert.Equal(chunks * chunkSize <= count ? chunkSize : count % chunkSize, chunk.Count);
            seen.AddRange(chunk);
        }
        Assert.Equal(11, chunks);
        Assert.Equal(Enumerable.Range(0, count), seen.Select(s => s.Item));
        var whole = classifier.Classify(Enumerable.Range(0, count).Select(Text).ToArray());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(whole[i].Label, seen[i].Result.Label);
            var expected = model.ExpectedProbabilities(folder, Text(i));
            for (int c = 0; c < expected.Length; c++) Assert.Equal(expected[c], seen[i].Result.Probabilities[c], 5);
        }
    }

    [Fact]
    public void ChunkSizeBelowOne_Throws()
    {
        var folder = _temp.Combine("pkg");
        TinyPackage.Create(1).WriteTo(folder);
        using var classifier = SentimentClassifier.Load(folder, new ClassifierOptions { ExecutionProvider = ExecutionProviderPreference.Cpu });
        Assert.Throws<ArgumentOutOfRangeException>(() => classifier.ClassifyChunks(["a"], t => t, 0));
    }
}
