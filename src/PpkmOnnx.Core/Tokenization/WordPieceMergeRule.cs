namespace PpkmOnnx.Core.Tokenization;

/// <summary>How <see cref="WordPieceTrainer"/> picks the next pair of pieces to merge.</summary>
public enum WordPieceMergeRule
{
    /// <summary>
    /// The WordPiece likelihood score count(ab) / (count(a) · count(b)) (Schuster and Nakajima 2012, as the Hugging Face
    /// course describes WordPiece): merges pairs whose parts rarely occur apart, preferring whole rare words to
    /// frequent fragments. Ties: higher pair count, then lower ids.
    /// </summary>
    Score,
    /// <summary>
    /// The pair count alone: what the Hugging Face <c>tokenizers</c> library's <c>WordPieceTrainer</c> really does (it
    /// runs its BPE trainer with a <c>##</c> continuation prefix). Ties: lower ids first, as there.
    /// </summary>
    Frequency,
}
