namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>adapt.json <c>vocabulary.transfer</c>: where each token of the new vocabulary took its embedding from.</summary>
public sealed record AdaptTransferRecord
{
    /// <summary><c>method</c>: a description of the transfer.</summary>
    public required string Method { get; init; }
    /// <summary><c>copied</c>: tokens shared with the old vocabulary, copied.</summary>
    public required int Copied { get; init; }
    /// <summary><c>special_role</c>: special tokens matched by role ([CLS], [SEP], …).</summary>
    public required int SpecialRole { get; init; }
    /// <summary><c>mean_of_pieces</c>: new tokens started as the mean of their old pieces.</summary>
    public required int MeanOfPieces { get; init; }
    /// <summary><c>unknown</c>: new tokens started from [UNK].</summary>
    public required int Unknown { get; init; }
    /// <summary><c>mean_pieces_per_averaged_token</c>: old pieces per averaged token (3 decimals).</summary>
    public double? MeanPiecesPerAveragedToken { get; init; }
}
