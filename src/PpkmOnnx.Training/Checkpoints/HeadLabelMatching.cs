using System.Text.RegularExpressions;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Training.Checkpoints;

/// <summary>
/// Fits a checkpoint's classification head to the classes a run trains on, matching classes by name: the same classes
/// in the same order keep the head as it is; the same classes in another order keep it with its rows permuted; other
/// classes start a fresh head. Reusing a head row by position when its name says another class would silently train
/// "negative" from the "positive" row; a head whose rows cannot be named (generic <c>LABEL_0</c> names, repeated names)
/// is refused instead of guessed.
/// </summary>
public static partial class HeadLabelMatching
{
    private static readonly string[] LabelRowTensors = ["classifier.weight", "classifier.bias"];

    [GeneratedRegex(@"^LABEL_\d+$")]
    private static partial Regex GenericName();

    /// <summary>
    /// The checkpoint tensors to load for a head over <paramref name="wanted"/>, and what was done, in words (null when the
    /// head is used as it is, or when the checkpoint has no head).
    /// </summary>
    /// <param name="tensors">The checkpoint's tensors (not modified).</param>
    /// <param name="checkpointLabels">The checkpoint's id2label, in id order.</param>
    /// <param name="wanted">The classes of the run, in id order.</param>
    /// <param name="source">The checkpoint folder, for messages.</param>
    /// <exception cref="UserInputException">The head's rows cannot be told apart by name (generic or repeated names) while the class count matches.</exception>
    public static (IReadOnlyDictionary<string, TensorData> Tensors, string? Outcome) Fit(IReadOnlyDictionary<string, TensorData> tensors,
        IReadOnlyList<string> checkpointLabels, IReadOnlyList<string> wanted, string source)
    {
        if (!tensors.TryGetValue(LabelRowTensors[0], out var weight) || weight.Shape.Length != 2) return (tensors, null);
        if (checkpointLabels.SequenceEqual(wanted, StringComparer.Ordinal)) return (tensors, null);
        string Classes(IEnumerable<string> names) => "[" + string.Join(", ", names) + "]";
        bool unnamed = checkpointLabels.Distinct(StringComparer.Ordinal).Count() != checkpointLabels.Count || checkpointLabels.All(l => GenericName().IsMatch(l));
        if (unnamed && checkpointLabels.Count == wanted.Count)
            throw new UserInputException($"{source}: config.json's id2label {Classes(checkpointLabels)} does not name the head's classes, so which row is which of the data's {Classes(wanted)} cannot be told; " +
                "write the class names into id2label in the head's order (or train from a checkpoint without a classification head).");
        if (ClassNameMatching.Order(checkpointLabels, wanted) is { } order && (int)weight.Shape[0] == wanted.Count)
        {
            // Row i of the new head is the checkpoint's row for the class named wanted[i].
            var permuted = new Dictionary<string, TensorData>(tensors, StringComparer.Ordinal);
            foreach (var name in LabelRowTensors)
                if (tensors.TryGetValue(name, out var t)) permuted[name] = PermuteRows(t, order);
            return (permuted, $"classification head reused with its rows reordered by class name: checkpoint {Classes(checkpointLabels)} -> data {Classes(wanted)}");
        }
        var fresh = tensors.Where(t => !LabelRowTensors.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        return (fresh, $"classification head started fresh: the checkpoint's classes {Classes(checkpointLabels)} are not the data's {Classes(wanted)}");
    }

    private static TensorData PermuteRows(TensorData t, int[] order)
    {
        long rowLength = t.Shape.Length == 1 ? 1 : t.Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var data = new float[t.Data.Length];
        for (int i = 0; i < order.Length; i++)
            Array.Copy(t.Data, order[i] * rowLength, data, i * rowLength, rowLength);
        return t with { Data = data };
    }
}
