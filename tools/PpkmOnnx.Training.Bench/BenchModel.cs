using PpkmOnnx.Core.Checkpoints;

/// <summary>The model shape every mode of this bench times: all-MiniLM-L6-v2's BERT with a 3-class head (random init).</summary>
internal static class BenchModel
{
    /// <summary>BERT, 6 layers, hidden 384, 12 heads, FFN 1536, vocabulary 30,522; labels negative, neutral, positive.</summary>
    public static ModelConfig MiniLmConfig() => new()
    {
        Architecture = ModelArchitecture.Bert, VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6,
        NumAttentionHeads = 12, IntermediateSize = 1536, Labels = new[] { "negative", "neutral", "positive" },
    };
}
