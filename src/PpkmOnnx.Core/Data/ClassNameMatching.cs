namespace PpkmOnnx.Core.Data;

/// <summary>
/// Matches a model's classes to a dataset's by name, the one rule of every command that puts the two side by side
/// (train fitting a checkpoint's head, quantize scoring its accuracy guard, bench scoring a package, baseline mixing a
/// package's probabilities with the n-gram model's): the same names in any order match, class for
/// class; anything else does not. Names compare ordinally (case counts), as config.json's id2label and the data's
/// <c>--labels</c> write them. Matching by position instead would silently score "negative" rows against a "positive" output.
/// </summary>
public static class ClassNameMatching
{
    /// <summary>
    /// For each class of <paramref name="wanted"/>, in id order, the id of the class of <paramref name="available"/> with
    /// the same name; null when the two lists are not the same set of distinct names (a name missing, added or repeated).
    /// </summary>
    public static int[]? Order(IReadOnlyList<string> available, IReadOnlyList<string> wanted)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(wanted);
        if (available.Count != wanted.Count) return null;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < available.Count; i++)
            if (!ids.TryAdd(available[i], i)) return null;
        var order = new int[wanted.Count];
        var seen = new HashSet<int>();
        for (int i = 0; i < wanted.Count; i++)
            if (!ids.TryGetValue(wanted[i], out order[i]) || !seen.Add(order[i])) return null;
        return order;
    }

    /// <summary>
    /// <paramref name="values"/> by one class list's ids rearranged into the other's, with <paramref name="order"/> an
    /// <see cref="Order"/> answer: element i is <c>values[order[i]]</c>.
    /// </summary>
    public static T[] Reorder<T>(IReadOnlyList<T> values, IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(order);
        if (values.Count != order.Count) throw new ArgumentException($"{values.Count} values for {order.Count} classes.", nameof(values));
        var result = new T[order.Count];
        for (int i = 0; i < result.Length; i++) result[i] = values[order[i]];
        return result;
    }
}
