using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Onnx.Tests.Support;

/// <summary>Writes tiny random BERT / DistilBERT checkpoint folders (Hugging Face names and layouts) for export tests.</summary>
internal static class TinyCheckpoint
{
    public const int Hidden = 32, Heads = 4, Layers = 2, Intermediate = 48, Positions = 64;

    private static readonly string[] Words =
    {
        "ppkm", "vaksin", "rakyat", "susah", "lagi", "kota", "hari", "ini", "mulai", "pasar", "buka", "tutup", "terima", "kasih",
        "covid", "jakarta", "pemerintah", "warga", "makan", "kerja", "rumah", "sakit", "baik", "buruk", "senang", "sedih", "the", "test",
        "##nya", "##kan", "##an", "##i", "##s", "di", "dan", "yang", "tidak", "ada", "sudah", "akan", "bisa", ".", ",", "!", "?", "@",
    };

    /// <summary>The tiny vocabulary: specials, letters, word pieces and a few Indonesian words.</summary>
    public static IReadOnlyList<string> Vocabulary()
    {
        var v = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        for (char c = 'a'; c <= 'z'; c++) v.Add(c.ToString());
        for (char c = 'a'; c <= 'z'; c++) v.Add("##" + c);
        v.AddRange(Words);
        return v;
    }

    /// <summary>Sentences that tokenize to different lengths with this vocabulary.</summary>
    public static readonly string[] Texts =
    {
        "PPKM diperpanjang lagi, rakyat makin susah!",
        "vaksin",
        "Pasar buka hari ini? Terima kasih @warga",
        "pemerintah jakarta sudah mulai ppkm dan warga tidak bisa kerja di rumah sakit",
        "senang",
        "covid buruk, sedih.",
    };

    /// <summary>Writes a checkpoint; returns its config.</summary>
    public static ModelConfig Write(string folder, ModelArchitecture architecture, string[]? labels, int seed, string activation = "gelu", bool pooler = true, bool prefixed = true)
    {
        Directory.CreateDirectory(folder);
        var vocab = Vocabulary();
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join("\n", vocab) + "\n");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"do_lower_case\": true, \"model_max_length\": 64}");
        int vocabRows = vocab.Count + 3; // embedding tables may be larger than the vocabulary
        var root = new JsonObject { ["model_type"] = architecture == ModelArchitecture.Bert ? "bert" : "distilbert", ["vocab_size"] = vocabRows, ["max_position_embeddings"] = Positions };
        if (architecture == ModelArchitecture.Bert)
        {
            root["hidden_size"] = Hidden; root["num_hidden_layers"] = Layers; root["num_attention_heads"] = Heads; root["intermediate_size"] = Intermediate;
            root["type_vocab_size"] = 2; root["layer_norm_eps"] = 1e-12; root["hidden_act"] = activation;
        }
        else
        {
            root["dim"] = Hidden; root["n_layers"] = Layers; root["n_heads"] = Heads; root["hidden_dim"] = Intermediate; root["activation"] = activation;
        }
        if (labels is not null)
        {
            root["architectures"] = new JsonArray(architecture == ModelArchitecture.Bert ? "BertForSequenceClassification" : "DistilBertForSequenceClassification");
            var id2label = new JsonObject();
            for (int i = 0; i < labels.Length; i++) id2label[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = labels[i];
            root["id2label"] = id2label;
        }
        File.WriteAllText(Path.Combine(folder, "config.json"), root.ToJsonString());
        var config = ModelConfig.Load(folder);

        var rng = new Random(seed);
        var t = new Dictionary<string, TensorData>();
        void Add(string name, float scale, float offset, params long[] shape)
        {
            var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (int i = 0; i < data.Length; i++) data[i] = offset + scale * (float)(rng.NextDouble() * 2 - 1);
            t[name] = new TensorData(shape, data);
        }
        void Linear(string prefix, int outF, int inF) { Add(prefix + ".weight", 0.3f, 0, outF, inF); Add(prefix + ".bias", 0.1f, 0, outF); }
        void Norm(string prefix) { Add(prefix + ".weight", 0.2f, 1, Hidden); Add(prefix + ".bias", 0.1f, 0, Hidden); }

        if (architecture == ModelArchitecture.Bert)
        {
            var p = prefixed ? "bert." : "";
            Add(p + "embeddings.word_embeddings.weight", 1, 0, vocabRows, Hidden);
            Add(p + "embeddings.position_embeddings.weight", 0.5f, 0, Positions, Hidden);
            Add(p + "embeddings.token_type_embeddings.weight", 0.5f, 0, 2, Hidden);
            Norm(p + "embeddings.LayerNorm");
            for (int i = 0; i < Layers; i++)
            {
                var l = $"{p}encoder.layer.{i}.";
                Linear(l + "attention.self.query", Hidden, Hidden); Linear(l + "attention.self.key", Hidden, Hidden); Linear(l + "attention.self.value", Hidden, Hidden);
                Linear(l + "attention.output.dense", Hidden, Hidden); Norm(l + "attention.output.LayerNorm");
                Linear(l + "intermediate.dense", Intermediate, Hidden); Linear(l + "output.dense", Hidden, Intermediate); Norm(l + "output.LayerNorm");
            }
            if (pooler) Linear(p + "pooler.dense", Hidden, Hidden);
        }
        else
        {
            var p = prefixed ? "distilbert." : "";
            Add(p + "embeddings.word_embeddings.weight", 1, 0, vocabRows, Hidden);
            Add(p + "embeddings.position_embeddings.weight", 0.5f, 0, Positions, Hidden);
            Norm(p + "embeddings.LayerNorm");
            for (int i = 0; i < Layers; i++)
            {
                var l = $"{p}transformer.layer.{i}.";
                Linear(l + "attention.q_lin", Hidden, Hidden); Linear(l + "attention.k_lin", Hidden, Hidden); Linear(l + "attention.v_lin", Hidden, Hidden);
                Linear(l + "attention.out_lin", Hidden, Hidden); Norm(l + "sa_layer_norm");
                Linear(l + "ffn.lin1", Intermediate, Hidden); Linear(l + "ffn.lin2", Hidden, Intermediate); Norm(l + "output_layer_norm");
            }
            if (labels is not null) Linear("pre_classifier", Hidden, Hidden);
        }
        if (labels is not null) Linear("classifier", labels.Length, Hidden);
        SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), t);
        return config;
    }
}
