using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Onnx;
using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Tokenization;

namespace PpkmOnnx.Tests.Support;

/// <summary>
/// The tiny sentiment "model" of the tests that run ONNX Runtime (Runtime, Server, CLI, bench): a real ONNX graph written
/// with OnnxSharp's protobuf classes, the package files around it (vocab.txt, tokenizer_config.json, config.json), and an
/// independent C# computation of its logits, <c>logits = mean over real tokens of (E[id] (+ T[0])) · W + b</c>, in double.
/// Two sets of weights: <see cref="Create"/> draws them from a seed over a small tweet vocabulary (serving tests compare
/// probabilities), <see cref="HandSet"/> types them by hand over a small review vocabulary so that a reader can work a
/// prediction out on paper (bench tests compare classes and scores). Test support (tests/Support), linked by the test
/// projects that need it.
/// </summary>
internal sealed class TinyPackage
{
    /// <summary>The vocabulary of <see cref="Create"/>'s packages: Indonesian tweet words.</summary>
    public static readonly string[] TweetVocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "ppkm", "bagus", "buruk", "jelek", "senang", "sedih", "vaksin",
        "corona", "di", "rumah", "aja", "tidak", "suka", "sangat", "pemerintah", "jakarta", "kasus", "naik", "turun",
        "##nya", "##kan", "!", ",", ".", "?", "#", "@", "lagi", "kerja", "warga", "bantuan", "sosial", "pasar", "sepi", "ramai",
    ];

    /// <summary>The vocabulary of <see cref="HandSet"/>'s packages: English review words (15 tokens).</summary>
    public static readonly string[] ReviewVocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "great", "bad", "awful", "ok", "fine", "the", "movie", "not", "##s"];

    /// <summary>The class names, by id, of every tiny package.</summary>
    public static readonly string[] LabelNames = ["negative", "neutral", "positive"];

    private TinyPackage(string[] vocabulary, float[,] embedding, float[,] tokenTypes, float[,] weight, float[] bias, bool withTokenTypes, int maxLength)
    {
        Vocabulary = vocabulary;
        Embedding = embedding;
        TokenTypes = tokenTypes;
        Weight = weight;
        Bias = bias;
        WithTokenTypeIds = withTokenTypes;
        MaxLength = maxLength;
    }

    /// <summary>The vocabulary (vocab.txt), one token per id.</summary>
    public string[] Vocabulary { get; }
    /// <summary>Word embeddings E, [vocabulary, hidden].</summary>
    public float[,] Embedding { get; }
    /// <summary>Token-type embeddings T, [2, hidden]; in the graph only with <see cref="WithTokenTypeIds"/>.</summary>
    public float[,] TokenTypes { get; }
    /// <summary>Classifier weight W, [hidden, 3].</summary>
    public float[,] Weight { get; }
    /// <summary>Classifier bias b, [3].</summary>
    public float[] Bias { get; }
    /// <summary>Whether the graph takes token_type_ids (a BERT package) or not (a DistilBERT one).</summary>
    public bool WithTokenTypeIds { get; }
    /// <summary>The tokenizer's <c>model_max_length</c> (tokenizer_config.json).</summary>
    public int MaxLength { get; }
    /// <summary>Width of the embeddings.</summary>
    public int Hidden => Embedding.GetLength(1);

    /// <summary>Random weights from <paramref name="seed"/> over <see cref="TweetVocabulary"/>, large enough that the three classes all occur.</summary>
    public static TinyPackage Create(int seed, bool withTokenTypeIds = true, int maxLength = 16, int hidden = 6)
    {
        var rng = new Random(seed);
        float Next() => (float)(rng.NextDouble() * 4 - 2);
        var e = new float[TweetVocabulary.Length, hidden];
        for (int v = 0; v < e.GetLength(0); v++) for (int h = 0; h < hidden; h++) e[v, h] = Next();
        var t = new float[2, hidden];
        for (int v = 0; v < 2; v++) for (int h = 0; h < hidden; h++) t[v, h] = Next() / 4;
        var w = new float[hidden, LabelNames.Length];
        for (int h = 0; h < hidden; h++) for (int c = 0; c < LabelNames.Length; c++) w[h, c] = Next();
        var b = Enumerable.Range(0, LabelNames.Length).Select(_ => Next() / 4).ToArray();
        return new TinyPackage(TweetVocabulary, e, t, w, b, withTokenTypeIds, maxLength);
    }

    /// <summary>
    /// Weights typed by hand over <see cref="ReviewVocabulary"/>, hidden width 3 (one column per class): each sentiment word
    /// has its weight in its class's column, W is nearly the identity, token types are zero. Parameters in the graph:
    /// embeddings 15×3 + W 3×3 + b 3 = 57 (+ token types 2×3 = 63 with <paramref name="withTokenTypeIds"/>).
    /// </summary>
    public static TinyPackage HandSet(bool withTokenTypeIds = false, int maxLength = 64)
    {
        var e = new float[ReviewVocabulary.Length, 3];
        void Set(string word, float neg, float neu, float pos)
        {
            int i = Array.IndexOf(ReviewVocabulary, word);
            e[i, 0] = neg; e[i, 1] = neu; e[i, 2] = pos;
        }
        Set("[CLS]", 0.05f, 0.11f, 0.02f);
        Set("[SEP]", 0.03f, 0.10f, 0.01f);
        Set("[UNK]", 0.0f, 0.3f, 0.0f);
        Set("good", 0.1f, 0.2f, 1.9f);
        Set("great", 0.0f, 0.1f, 2.6f);
        Set("bad", 2.1f, 0.2f, 0.1f);
        Set("awful", 2.8f, 0.0f, 0.0f);
        Set("ok", 0.2f, 1.3f, 0.4f);
        Set("fine", 0.1f, 1.1f, 0.9f);
        Set("the", 0.21f, 0.25f, 0.2f);
        Set("movie", 0.3f, 0.33f, 0.31f);
        Set("not", 1.2f, 0.4f, -0.9f);
        Set("##s", 0.0f, 0.05f, 0.0f);
        var w = new float[,] { { 1.0f, 0.1f, -0.1f }, { 0.05f, 0.9f, 0.0f }, { -0.1f, 0.1f, 1.05f } };
        return new TinyPackage(ReviewVocabulary, e, new float[2, 3], w, [0.01f, 0.02f, -0.01f], withTokenTypeIds, maxLength);
    }

    /// <summary>The same model with every weight rounded to one decimal (a stand-in for a lossy variant).</summary>
    public TinyPackage Rounded() =>
        new(Vocabulary, Round(Embedding), Round(TokenTypes), Round(Weight), Bias.Select(b => MathF.Round(b, 1)).ToArray(), WithTokenTypeIds, MaxLength);

    /// <summary>
    /// Writes the package into <paramref name="folder"/>: <see cref="WriteSideFiles"/>, then the ONNX file of
    /// <paramref name="variant"/>. <paramref name="writeMetadata"/> adds the <c>ppkm.*</c> metadata an export writes
    /// (labels, max length, model type, variant); <paramref name="exportedMaxLength"/> alone writes <c>ppkm.max_length</c>.
    /// </summary>
    public void WriteTo(string folder, ModelVariant variant = ModelVariant.Fp32, bool writeConfig = true, bool writeMetadata = false,
        string[]? labels = null, bool float16Logits = false, int maxPositions = 512, int? exportedMaxLength = null)
    {
        labels ??= LabelNames;
        WriteSideFiles(folder, writeConfig, labels, maxPositions);
        var metadata = new Dictionary<string, string>();
        if (writeMetadata)
        {
            metadata[ModelPackageLayout.MetadataLabels] = new JsonArray(labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()).ToJsonString();
            metadata[ModelPackageLayout.MetadataModelType] = ModelType;
            metadata[ModelPackageLayout.MetadataVariant] = ModelPackageLayout.VariantName(variant);
        }
        if (writeMetadata || exportedMaxLength is not null)
            metadata[ModelPackageLayout.MetadataMaxLength] = (exportedMaxLength ?? MaxLength).ToString(CultureInfo.InvariantCulture);
        WriteOnnx(ModelPackageLayout.ModelPath(folder, variant), metadata, float16Logits);
    }

    /// <summary>Writes vocab.txt, tokenizer_config.json and (with <paramref name="writeConfig"/>) config.json naming <paramref name="labels"/>.</summary>
    public void WriteSideFiles(string folder, bool writeConfig = true, string[]? labels = null, int maxPositions = 512)
    {
        Directory.CreateDirectory(folder);
        labels ??= LabelNames;
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), Vocabulary);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            new JsonObject { ["do_lower_case"] = true, ["model_max_length"] = MaxLength }.ToJsonString());
        if (!writeConfig) return;
        var id2label = new JsonObject();
        var label2id = new JsonObject();
        for (int i = 0; i < labels.Length; i++) { id2label[i.ToString(CultureInfo.InvariantCulture)] = labels[i]; label2id[labels[i]] = i; }
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(WithTokenTypeIds ? "BertForSequenceClassification" : "DistilBertForSequenceClassification"),
            ["model_type"] = ModelType,
            ["vocab_size"] = Vocabulary.Length,
            ["max_position_embeddings"] = maxPositions,
            ["id2label"] = id2label,
            ["label2id"] = label2id,
        };
        if (WithTokenTypeIds)
        {
            config["hidden_size"] = Hidden; config["num_hidden_layers"] = 1; config["num_attention_heads"] = 1; config["intermediate_size"] = Hidden;
        }
        else
        {
            config["dim"] = Hidden; config["n_layers"] = 1; config["n_heads"] = 1; config["hidden_dim"] = Hidden;
        }
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
    }

    /// <summary>Writes the ONNX graph alone to <paramref name="path"/>, with <paramref name="metadata"/> as its <c>metadata_props</c>.</summary>
    public void WriteOnnx(string path, IReadOnlyDictionary<string, string>? metadata = null, bool float16Logits = false) =>
        File.WriteAllBytes(path, TinyPackageGraph.Build(this, metadata ?? new Dictionary<string, string>(), float16Logits).ToByteArray());

    /// <summary>Token ids as the model sees them: [CLS] + first MaxLength−2 pieces + [SEP].</summary>
    public IReadOnlyList<int> TokenIds(string folder, string text)
    {
        var tokenizer = BertWordPieceTokenizer.FromFolder(folder);
        var pieces = tokenizer.EncodeToIds(text, addSpecialTokens: false).Take(MaxLength - 2);
        return [tokenizer.ClsId, .. pieces, tokenizer.SepId];
    }

    /// <summary>The logits of <paramref name="tokenIds"/> (all real, token type 0) computed in double precision, independently of ONNX Runtime.</summary>
    public double[] Logits(IReadOnlyList<int> tokenIds)
    {
        var mean = new double[Hidden];
        foreach (var id in tokenIds)
            for (int h = 0; h < Hidden; h++) mean[h] += Embedding[id, h] + (WithTokenTypeIds ? TokenTypes[0, h] : 0);
        for (int h = 0; h < Hidden; h++) mean[h] /= tokenIds.Count;
        var logits = new double[LabelNames.Length];
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = Bias[c];
            for (int h = 0; h < Hidden; h++) logits[c] += mean[h] * Weight[h, c];
        }
        return logits;
    }

    /// <summary>The class of <paramref name="tokenIds"/>: the argmax of <see cref="Logits"/> (the first on ties).</summary>
    public int Predict(IReadOnlyList<int> tokenIds)
    {
        var logits = Logits(tokenIds);
        int best = 0;
        for (int c = 1; c < logits.Length; c++) if (logits[c] > logits[best]) best = c;
        return best;
    }

    /// <summary>The logits of <paramref name="text"/> as the package in <paramref name="folder"/> tokenizes it.</summary>
    public double[] ExpectedLogits(string folder, string text) => Logits(TokenIds(folder, text));

    /// <summary>The softmax of <see cref="ExpectedLogits"/>.</summary>
    public double[] ExpectedProbabilities(string folder, string text)
    {
        var logits = ExpectedLogits(folder, text);
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }

    private string ModelType => WithTokenTypeIds ? "bert" : "distilbert";

    private static float[,] Round(float[,] values)
    {
        var rounded = (float[,])values.Clone();
        for (int i = 0; i < rounded.GetLength(0); i++) for (int j = 0; j < rounded.GetLength(1); j++) rounded[i, j] = MathF.Round(rounded[i, j], 1);
        return rounded;
    }
}
