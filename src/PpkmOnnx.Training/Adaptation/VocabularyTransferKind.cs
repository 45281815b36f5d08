namespace PpkmOnnx.Training.Adaptation;

/// <summary>How <see cref="VocabularyTransfer"/> initialised a new token's row.</summary>
public enum VocabularyTransferKind
{
    /// <summary>The token is in both vocabularies: its old row, unchanged.</summary>
    Copied,
    /// <summary>A special token ([CLS], [SEP], [PAD], [UNK], [MASK]): the old row of the same role.</summary>
    SpecialRole,
    /// <summary>The mean of the old rows of the pieces the old vocabulary splits it into.</summary>
    MeanOfPieces,
    /// <summary>The old vocabulary can only call it [UNK]: the old [UNK] row.</summary>
    Unknown,
}
