using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Onnx.Validation;

namespace PpkmOnnx.Onnx.Tests.Support;

/// <summary>
/// An independent BERT / DistilBERT forward pass in plain loops and double precision, read straight from the
/// safetensors by Hugging Face names (it shares no code with the exporter's weight mapping). Returns logits for
/// classifiers, else last_hidden_state; <see cref="LastPooled"/> holds the pooler output of the last call.
/// </summary>
internal sealed class NaiveTransformer : IReferenceModel
{
    private readonly Dictionary<string, TensorData> _t;
    private readonly bool _bert;
    private readonly string _p;
    private readonly int _h, _heads, _layers;
    private readonly double _eps;
    private readonly string _act;
    private readonly bool _classifier;

    public NaiveTransformer(string folder)
    {
        var raw = File.ReadAllText(Path.Combine(folder, "config.json"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(raw)!.AsObject();
        _bert = json["model_type"]!.GetValue<string>() == "bert";
        _t = SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors"));
        _p = _bert ? (_t.ContainsKey("bert.embeddings.word_embeddings.weight") ? "bert." : "") : (_t.ContainsKey("distilbert.embeddings.word_embeddings.weight") ? "distilbert." : "");
        _h = json[_bert ? "hidden_size" : "dim"]!.GetValue<int>();
        _heads = json[_bert ? "num_attention_heads" : "n_heads"]!.GetValue<int>();
        _layers = json[_bert ? "num_hidden_layers" : "n_layers"]!.GetValue<int>();
        _eps = _bert ? json["layer_norm_eps"]?.GetValue<double>() ?? 1e-12 : 1e-12;
        _act = json[_bert ? "hidden_act" : "activation"]?.GetValue<string>() ?? "gelu";
        _classifier = _t.ContainsKey("classifier.weight");
    }

    public float[]? LastPooled { get; private set; }

    public float[] Forward(EncodedBatch batch)
    {
        int b = batch.BatchSize, s = batch.SequenceLength, h = _h;
        var hidden = new List<float>();
        var logits = new List<float>();
        var pooledAll = new List<float>();
        for (int r = 0; r < b; r++)
        {
            var x = new double[s][];
            for (int i = 0; i < s; i++)
            {
                x[i] = new double[h];
                long id = batch.InputIds[r * s + i];
                for (int d = 0; d < h; d++)
                {
                    double v = W(_p + "embeddings.word_embeddings.weight")[id * h + d];
                    if (_bert) v += W(_p + "embeddings.token_type_embeddings.weight")[batch.TokenTypeIds[r * s + i] * h + d];
                    v += W(_p + "embeddings.position_embeddings.weight")[i * h + d];
                    x[i][d] = v;
                }
                x[i] = Norm(x[i], _p + "embeddings.LayerNorm");
            }
            var mask = Enumerable.Range(0, s).Select(i => batch.AttentionMask[r * s + i]).ToArray();
            for (int l = 0; l < _layers; l++) x = Layer(x, mask, l);
            foreach (var row in x) hidden.AddRange(row.Select(v => (float)v));

            var first = x[0];
            double[]? pooled = null;
            if (_bert && _t.ContainsKey(_p + "pooler.dense.weight"))
            {
                pooled = Linear(first, _p + "pooler.dense").Select(Math.Tanh).ToArray();
                pooledAll.AddRange(pooled.Select(v => (float)v));
            }
            if (_classifier)
            {
                var features = _bert ? pooled ?? first : Linear(first, "pre_classifier").Select(v => Math.Max(0, v)).ToArray();
                logits.AddRange(Linear(features, "classifier").Select(v => (float)v));
            }
        }
        LastPooled = pooledAll.Count > 0 ? pooledAll.ToArray() : null;
        return _classifier ? logits.ToArray() : hidden.ToArray();
    }

    private double[][] Layer(double[][] x, long[] mask, int l)
    {
        int s = x.Length, hs = _h / _heads;
        string q, k, v, o, n1, i1, o2, n2;
        if (_bert)
        {
            var p = $"{_p}encoder.layer.{l}.";
            (q, k, v, o, n1, i1, o2, n2) = (p + "attention.self.query", p + "attention.self.key", p + "attention.self.value", p + "attention.output.dense", p + "attention.output.LayerNorm", p + "intermediate.dense", p + "output.dense", p + "output.LayerNorm");
        }
        else
        {
            var p = $"{_p}transformer.layer.{l}.";
            (q, k, v, o, n1, i1, o2, n2) = (p + "attention.q_lin", p + "attention.k_lin", p + "attention.v_lin", p + "attention.out_lin", p + "sa_layer_norm", p + "ffn.lin1", p + "ffn.lin2", p + "output_layer_norm");
        }
        var Q = x.Select(r => Linear(r, q)).ToArray();
        var K = x.Select(r => Linear(r, k)).ToArray();
        var V = x.Select(r => Linear(r, v)).ToArray();
        var context = new double[s][];
        for (int i = 0; i < s; i++) context[i] = new double[_h];
        for (int head = 0; head < _heads; head++)
        {
            for (int i = 0; i < s; i++)
            {
                var scores = new double[s];
                for (int j = 0; j < s; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < hs; d++) dot += Q[i][head * hs + d] * K[j][head * hs + d];
                    scores[j] = mask[j] == 0 ? double.NegativeInfinity : dot / Math.Sqrt(hs);
                }
                double max = scores.Max();
                var e = scores.Select(z => Math.Exp(z - max)).ToArray();
                double sum = e.Sum();
                for (int j = 0; j < s; j++)
                    for (int d = 0; d < hs; d++) context[i][head * hs + d] += e[j] / sum * V[j][head * hs + d];
            }
        }
        var result = new double[s][];
        for (int i = 0; i < s; i++)
        {
            var attended = Linear(context[i], o);
            var x1 = Norm(attended.Select((a, d) => a + x[i][d]).ToArray(), n1);
            var inner = Linear(x1, i1).Select(Activation).ToArray();
            var output = Linear(inner, o2);
            result[i] = Norm(output.Select((a, d) => a + x1[d]).ToArray(), n2);
        }
        return result;
    }

    private double Activation(double z) => _act switch
    {
        "gelu" => 0.5 * z * (1 + Erf(z / Math.Sqrt(2))),
        "relu" => Math.Max(0, z),
        _ => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))),
    };

    private double[] Linear(double[] x, string prefix)
    {
        var w = _t[prefix + ".weight"];
        var bias = _t[prefix + ".bias"].Data;
        int outF = (int)w.Shape[0], inF = (int)w.Shape[1];
        var y = new double[outF];
        for (int o = 0; o < outF; o++)
        {
            double acc = bias[o];
            for (int i = 0; i < inF; i++) acc += w.Data[o * inF + i] * x[i];
            y[o] = acc;
        }
        return y;
    }

    private double[] Norm(double[] x, string prefix)
    {
        double mean = x.Average();
        double variance = x.Select(v => (v - mean) * (v - mean)).Average();
        var g = _t[prefix + ".weight"].Data;
        var bias = _t[prefix + ".bias"].Data;
        return x.Select((v, d) => (v - mean) / Math.Sqrt(variance + _eps) * g[d] + bias[d]).ToArray();
    }

    private float[] W(string name) => _t[name].Data;

    // Abramowitz-Stegun 7.1.26 is too coarse; use a series/continued fraction accurate to ~1e-15.
    private static double Erf(double x)
    {
        if (x < 0) return -Erf(-x);
        if (x < 3)
        {
            double sum = x, term = x, x2 = x * x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17) break;
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        // Continued fraction for erfc at large x.
        double f = 0;
        for (int n = 60; n >= 1; n--) f = n / 2.0 / (x + f);
        return 1 - Math.Exp(-x * x) / Math.Sqrt(Math.PI) / (x + f);
    }
}
