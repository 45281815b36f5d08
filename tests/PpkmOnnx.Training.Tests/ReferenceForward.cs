using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// An independent, loop-by-loop float64 implementation of Hugging Face's BERT / DistilBERT sequence classifiers
/// (written from the transformers source, not from our TorchSharp code), reading weights by their HF names.
/// </summary>
internal static class ReferenceForward
{
    public static double[] Logits(IReadOnlyDictionary<string, TensorData> w, ModelConfig c, long[] ids, long[] mask, int seq)
    {
        bool bert = c.Architecture == ModelArchitecture.Bert;
        var hidden = Encode(w, c, ids, mask, seq);
        var cls = hidden[0];
        double[] pooled;
        if (bert)
            pooled = Linear(cls, w["bert.pooler.dense.weight"], w["bert.pooler.dense.bias"]).Select(Math.Tanh).ToArray();
        else
            pooled = Linear(cls, w["pre_classifier.weight"], w["pre_classifier.bias"]).Select(v => Math.Max(0, v)).ToArray();
        return Linear(pooled, w["classifier.weight"], w["classifier.bias"]);
    }

    /// <summary>Last hidden state of one row, [seq][hidden]; <paramref name="upToLayer"/> stops after that many layers.</summary>
    public static double[][] Encode(IReadOnlyDictionary<string, TensorData> w, ModelConfig c, long[] ids, long[] mask, int seq, int? upToLayer = null)
    {
        bool bert = c.Architecture == ModelArchitecture.Bert;
        string p = bert ? "bert." : "distilbert.";
        int h = c.HiddenSize;
        var x = new double[seq][];
        for (int t = 0; t < seq; t++)
        {
            var v = new double[h];
            for (int j = 0; j < h; j++)
            {
                v[j] = w[p + "embeddings.word_embeddings.weight"].Data[ids[t] * h + j] + w[p + "embeddings.position_embeddings.weight"].Data[t * h + j];
                if (bert) v[j] += w[p + "embeddings.token_type_embeddings.weight"].Data[j];
            }
            x[t] = LayerNorm(v, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], c.LayerNormEps);
        }
        int layers = upToLayer ?? c.NumHiddenLayers;
        for (int l = 0; l < layers; l++)
        {
            string L = bert ? $"{p}encoder.layer.{l}." : $"{p}transformer.layer.{l}.";
            string N(string bertName, string distilName) => L + (bert ? bertName : distilName);
            var q = x.Select(r => Linear(r, w[N("attention.self.query.weight", "attention.q_lin.weight")], w[N("attention.self.query.bias", "attention.q_lin.bias")])).ToArray();
            var k = x.Select(r => Linear(r, w[N("attention.self.key.weight", "attention.k_lin.weight")], w[N("attention.self.key.bias", "attention.k_lin.bias")])).ToArray();
            var v = x.Select(r => Linear(r, w[N("attention.self.value.weight", "attention.v_lin.weight")], w[N("attention.self.value.bias", "attention.v_lin.bias")])).ToArray();
            int heads = c.NumAttentionHeads, d = h / heads;
            var context = new double[seq][];
            for (int t = 0; t < seq; t++) context[t] = new double[h];
            for (int head = 0; head < heads; head++)
                for (int t = 0; t < seq; t++)
                {
                    var scores = new double[seq];
                    for (int u = 0; u < seq; u++)
                    {
                        double dot = 0;
                        for (int j = 0; j < d; j++) dot += q[t][head * d + j] * k[u][head * d + j];
                        scores[u] = dot / Math.Sqrt(d) + (mask[u] == 0 ? float.MinValue : 0.0);
                    }
                    double max = scores.Max();
                    var e = scores.Select(s => Math.Exp(s - max)).ToArray();
                    double sum = e.Sum();
                    for (int u = 0; u < seq; u++)
                        for (int j = 0; j < d; j++) context[t][head * d + j] += e[u] / sum * v[u][head * d + j];
                }
            var attended = new double[seq][];
            for (int t = 0; t < seq; t++)
            {
                var o = Linear(context[t], w[N("attention.output.dense.weight", "attention.out_lin.weight")], w[N("attention.output.dense.bias", "attention.out_lin.bias")]);
                attended[t] = LayerNorm(o.Zip(x[t], (a, b) => a + b).ToArray(), w[N("attention.output.LayerNorm.weight", "sa_layer_norm.weight")], w[N("attention.output.LayerNorm.bias", "sa_layer_norm.bias")], c.LayerNormEps);
            }
            for (int t = 0; t < seq; t++)
            {
                var inner = Linear(attended[t], w[N("intermediate.dense.weight", "ffn.lin1.weight")], w[N("intermediate.dense.bias", "ffn.lin1.bias")]).Select(z => Act(z, c.HiddenAct)).ToArray();
                var o = Linear(inner, w[N("output.dense.weight", "ffn.lin2.weight")], w[N("output.dense.bias", "ffn.lin2.bias")]);
                x[t] = LayerNorm(o.Zip(attended[t], (a, b) => a + b).ToArray(), w[N("output.LayerNorm.weight", "output_layer_norm.weight")], w[N("output.LayerNorm.bias", "output_layer_norm.bias")], c.LayerNormEps);
            }
        }
        return x;
    }

    internal static double Act(double z, string name) => name switch
    {
        "gelu" => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
        "gelu_new" => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))),
        "relu" => Math.Max(0, z),
        _ => throw new ArgumentException(name),
    };

    // Abramowitz–Stegun 7.1.26 is only 1e-7 accurate; use a series/continued fraction good to ~1e-15 instead.
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        double r;
        if (ax < 3)
        {
            double term = ax, sum = ax;
            for (int n = 1; n < 100; n++)
            {
                term *= -ax * ax / n;
                sum += term / (2 * n + 1);
                if (Math.Abs(term) < 1e-17) break;
            }
            r = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc continued fraction for large |x|.
            double f = 0;
            for (int n = 60; n >= 1; n--) f = n / 2.0 / (ax + f);
            r = 1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        }
        return x < 0 ? -r : r;
    }

    internal static double[] Linear(double[] x, TensorData weight, TensorData bias)
    {
        int outN = (int)weight.Shape[0], inN = (int)weight.Shape[1];
        var y = new double[outN];
        for (int o = 0; o < outN; o++)
        {
            double s = bias.Data[o];
            for (int i = 0; i < inN; i++) s += weight.Data[o * inN + i] * x[i];
            y[o] = s;
        }
        return y;
    }

    internal static double[] LayerNorm(double[] x, TensorData gamma, TensorData beta, double eps)
    {
        double mean = x.Average();
        double var = x.Select(v => (v - mean) * (v - mean)).Average();
        return x.Select((v, i) => (v - mean) / Math.Sqrt(var + eps) * gamma.Data[i] + beta.Data[i]).ToArray();
    }
}
