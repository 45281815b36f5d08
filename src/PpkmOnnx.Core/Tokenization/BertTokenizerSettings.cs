namespace PpkmOnnx.Core.Tokenization;

/// <summary>Options of a Hugging Face BERT tokenizer, as <c>tokenizer_config.json</c> states them.</summary>
public sealed record BertTokenizerSettings
{
    /// <summary>Lower-case before WordPiece (uncased models). Hugging Face default: true.</summary>
    public bool DoLowerCase { get; init; } = true;
    /// <summary>Strip accents; null follows <see cref="DoLowerCase"/> as Hugging Face does.</summary>
    public bool? StripAccents { get; init; }
    /// <summary>Put spaces around CJK ideographs. Hugging Face default: true.</summary>
    public bool TokenizeChineseChars { get; init; } = true;
    /// <summary>Unknown token.</summary>
    public string UnknownToken { get; init; } = "[UNK]";
    /// <summary>Classification (start) token.</summary>
    public string ClassificationToken { get; init; } = "[CLS]";
    /// <summary>Separator (end) token.</summary>
    public string SeparatorToken { get; init; } = "[SEP]";
    /// <summary>Padding token.</summary>
    public string PaddingToken { get; init; } = "[PAD]";
    /// <summary>Mask token.</summary>
    public string MaskToken { get; init; } = "[MASK]";
    /// <summary>Words longer than this many characters become the unknown token.</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;
    /// <summary>Maximum sequence length including special tokens (<c>model_max_length</c>, capped at 512).</summary>
    public int ModelMaxLength { get; init; } = 512;
}
