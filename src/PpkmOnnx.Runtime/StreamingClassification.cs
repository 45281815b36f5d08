namespace PpkmOnnx.Runtime;

/// <summary>
/// Classifies a stream of items of any length with bounded memory: pulls <c>chunkSize</c> items, classifies their texts
/// in one <see cref="SentimentClassifier.Classify(IReadOnlyList{string}, CancellationToken)"/> call (length-sorted
/// micro-batches inside it), yields the chunk in input order, and only then pulls the next. Only one chunk is held at a time.
/// </summary>
public static class StreamingClassification
{
    /// <summary>The items with their classifications, chunk by chunk, in input order.</summary>
    /// <param name="classifier">The classifier.</param>
    /// <param name="items">The items, read lazily.</param>
    /// <param name="textOf">The text of an item (must not be blank: see <see cref="SentimentClassifier.Classify(IReadOnlyList{string}, CancellationToken)"/>).</param>
    /// <param name="chunkSize">Items per chunk (at least 1).</param>
    /// <param name="cancellationToken">Checked before each chunk and inside the classifier.</param>
    public static IEnumerable<IReadOnlyList<ClassifiedItem<T>>> ClassifyChunks<T>(this SentimentClassifier classifier, IEnumerable<T> items,
        Func<T, string> textOf, int chunkSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(textOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        return Iterate(classifier, items, textOf, chunkSize, cancellationToken);
    }

    private static IEnumerable<IReadOnlyList<ClassifiedItem<T>>> Iterate<T>(SentimentClassifier classifier, IEnumerable<T> items,
        Func<T, string> textOf, int chunkSize, CancellationToken cancellationToken)
    {
        var chunk = new List<T>(chunkSize);
        foreach (var item in items)
        {
            chunk.Add(item);
            if (chunk.Count < chunkSize) continue;
            yield return Classify(classifier, chunk, textOf, cancellationToken);
            chunk.Clear();
        }
        if (chunk.Count > 0) yield return Classify(classifier, chunk, textOf, cancellationToken);
    }

    private static ClassifiedItem<T>[] Classify<T>(SentimentClassifier classifier, List<T> chunk, Func<T, string> textOf, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var results = classifier.Classify(chunk.Select(textOf).ToArray(), cancellationToken);
        var classified = new ClassifiedItem<T>[chunk.Count];
        for (int i = 0; i < classified.Length; i++) classified[i] = new ClassifiedItem<T>(chunk[i], results[i]);
        return classified;
    }
}
