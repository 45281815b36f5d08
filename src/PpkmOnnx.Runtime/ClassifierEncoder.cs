using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Runtime;

/// <summary>
/// Texts to model inputs for <see cref="SentimentClassifier"/>: each text truncated to <see cref="MaxLength"/> by the
/// tokenizer's one rule (<see cref="BertWordPieceTokenizer.EncodeTruncated"/>), and a micro-batch of rows padded to its
/// own longest row (<see cref="EncodedBatch.Pad"/>).
/// </summary>
internal sealed class ClassifierEncoder(BertWordPieceTokenizer tokenizer, int maxLength)
{
    /// <summary>Tokens per text at most, [CLS] and [SEP] included.</summary>
    public int MaxLength { get; } = maxLength;

    /// <summary>The ids the model sees for <paramref name="text"/>.</summary>
    public int[] Encode(string text) => tokenizer.EncodeTruncated(text, MaxLength);

    /// <summary>The rows <paramref name="batch"/> of <paramref name="rows"/>, in that order, padded to the longest of them.</summary>
    public EncodedBatch Batch(int[][] rows, IReadOnlyList<int> batch) => EncodedBatch.Pad(batch.Select(i => rows[i]).ToArray(), tokenizer.PadId);
}
