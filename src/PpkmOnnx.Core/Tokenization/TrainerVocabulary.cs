namespace PpkmOnnx.Core.Tokenization;

/// <summary>The vocabulary <see cref="WordPieceTrainer"/> grows: tokens by id and ids by token; adding an existing token returns its id.</summary>
internal sealed class TrainerVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    public List<string> Tokens { get; } = new();
    public int Count => Tokens.Count;
    public int Id(string token) => _ids[token];

    public int Add(string token)
    {
        if (_ids.TryGetValue(token, out var id)) return id;
        _ids[token] = Tokens.Count;
        Tokens.Add(token);
        return Tokens.Count - 1;
    }
}
