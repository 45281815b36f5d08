using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `breakdown [batch] [seq] [threads]`: what a MiniLM-L6-shaped training forward + backward is made of, timed piece by
/// piece at the step's shapes: the whole model (training and eval mode), each Linear GEMM's three products (forward
/// x·Wᵀ, input gradient g·W, weight gradient gᵀ·x) with their GFLOP/s, the attention products, and the element-wise
/// layers (LayerNorm, GELU, softmax, scale and mask, dropout, residual adds, word embedding with its sparse and its dense gradient) forward + backward, each
/// scaled by how often a step runs it. Medians of 5 after a warm-up; prints one JSON object. It tells how much of the
/// step is GEMM time at the rates the model's own shapes reach, against the best shape the efficiency peak uses.
/// </summary>
internal static class BreakdownBench
{
    public static void Run(string[] args)
    {
        int batch = args.Length > 1 ? int.Parse(args[1]) : 32;
        int seq = args.Length > 2 ? int.Parse(args[2]) : 64;
        torch.set_num_threads(args.Length > 3 ? int.Parse(args[3]) : 2);
        var config = BenchModel.MiniLmConfig();
        int hidden = config.HiddenSize, heads = config.NumAttentionHeads, ffn = config.IntermediateSize, layers = config.NumHiddenLayers, vocab = config.VocabSize;
        int headSize = hidden / heads;
        long tokens = (long)batch * seq;

        torch.manual_seed(1);
        using var model = BertForSequenceClassification.Create(config);
        var ids = torch.randint(5, vocab, new long[] { batch, seq });
        var mask = torch.ones(batch, seq, dtype: int64);
        var types = torch.zeros(batch, seq, dtype: int64);
        var labels = torch.randint(0, 3, new long[] { batch });

        var whole = new Dictionary<string, object?>();
        foreach (var training in new[] { true, false })
        {
            model.train(training);
            string mode = training ? "train" : "eval";
            whole[$"{mode}_forward_ms"] = Milliseconds(() => nn.functional.cross_entropy(model.Forward(ids, mask, types), labels));
            whole[$"{mode}_forward_backward_ms"] = Milliseconds(() =>
            {
                model.zero_grad();
                nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).backward();
            });
        }

        // Per layer: Q, K, V and the attention output (hidden → hidden), the FFN's two (hidden → ffn → hidden).
        var linearShapes = new[] { (hidden, hidden, 4), (hidden, ffn, 1), (ffn, hidden, 1) };
        var gemms = new List<Dictionary<string, object?>>();
        double linearMs = 0, linearGflop = 0;
        foreach (var (inFeatures, outFeatures, perLayer) in linearShapes)
        {
            var x = torch.randn(tokens, inFeatures);
            var w = torch.randn(outFeatures, inFeatures);
            var g = torch.randn(tokens, outFeatures);
            double gflop = 2.0 * tokens * inFeatures * outFeatures / 1e9;
            double forward = Milliseconds(() => nn.functional.linear(x, w));
            double inputGradient = Milliseconds(() => g.matmul(w));
            double weightGradient = Milliseconds(() => g.t().matmul(x));
            int count = perLayer * layers;
            linearMs += count * (forward + inputGradient + weightGradient);
            linearGflop += count * 3 * gflop;
            gemms.Add(new Dictionary<string, object?>
            {
                ["shape"] = $"{tokens}x{inFeatures} -> {outFeatures}", ["per_step"] = count,
                ["forward_gflops"] = Math.Round(gflop / forward * 1e3, 1),
                ["input_gradient_gflops"] = Math.Round(gflop / inputGradient * 1e3, 1),
                ["weight_gradient_gflops"] = Math.Round(gflop / weightGradient * 1e3, 1),
            });
        }

        var q = torch.randn(batch, heads, seq, headSize);
        var k = torch.randn(batch, heads, seq, headSize);
        var probabilities = torch.randn(batch, heads, seq, seq);
        // Forward: q·kᵀ and p·v; backward: dp = g·vᵀ, dv = pᵀ·g, dq = ds·k, dk = dsᵀ·q (four more of the same sizes).
        double attentionMs = layers * Milliseconds(() =>
        {
            q.matmul(k.transpose(-1, -2)); probabilities.matmul(k);
            q.matmul(k.transpose(-1, -2)); probabilities.transpose(-1, -2).matmul(q);
            probabilities.matmul(k); probabilities.transpose(-1, -2).matmul(q);
        });

        var hiddenStates = torch.randn(batch, seq, hidden, requires_grad: true);
        var inner = torch.randn(batch, seq, ffn, requires_grad: true);
        var scores = torch.randn(batch, heads, seq, seq, requires_grad: true);
        var additiveMask = torch.zeros(batch, 1, 1, seq);
        using var norm = nn.LayerNorm(hidden);
        using var embedding = nn.Embedding(vocab, hidden);
        embedding.forward(ids).sum().backward(); // gives the table its gradient buffer
        var elementwise = new Dictionary<string, double>
        {
            // 2 per layer + the embeddings'
            ["layernorm"] = (2 * layers + 1) * Milliseconds(() => norm.forward(hiddenStates).sum().backward()),
            ["gelu"] = layers * Milliseconds(() => nn.functional.gelu(inner).sum().backward()),
            ["softmax"] = layers * Milliseconds(() => nn.functional.softmax(scores, -1).sum().backward()),
            ["attention_scale_and_mask"] = layers * Milliseconds(() => (scores / Math.Sqrt(headSize) + additiveMask).sum().backward()),
            // attention probabilities and two residual branches per layer, + the embeddings'
            ["dropout"] = layers * Milliseconds(() =>
            {
                LibtorchDropout.Apply(scores, 0.1).sum().backward();
                LibtorchDropout.Apply(hiddenStates, 0.1).sum().backward();
                LibtorchDropout.Apply(hiddenStates, 0.1).sum().backward();
            }) + Milliseconds(() => LibtorchDropout.Apply(hiddenStates, 0.1).sum().backward()),
            ["residual_adds"] = 2 * layers * Milliseconds(() => (hiddenStates + hiddenStates).sum().backward()),
            // Into the table's existing gradient buffer, as under FlatAdamW: the default's sparse backward (rows added in
            // place), and libtorch's dense one (a vocabulary x hidden zero tensor filled, then added whole).
            ["word_embedding"] = Milliseconds(() => SparseRowLookup.Apply(embedding.weight!, ids).sum().backward()),
            ["word_embedding_dense_gradient"] = Milliseconds(() => embedding.forward(ids).sum().backward()),
        };

        double step = (double)whole["train_forward_backward_ms"]!;
        var machine = BenchRecord.Machine();
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["machine"] = machine,
            ["shape"] = new Dictionary<string, object?> { ["batch"] = batch, ["seq"] = seq, ["model"] = "MiniLM-L6 (BERT 6 x 384, 12 heads, FFN 1536)" },
            ["whole_model"] = whole,
            ["linear_gemms"] = gemms,
            ["linear_gemms_ms_per_step"] = Math.Round(linearMs, 1),
            ["linear_gemms_average_gflops"] = Math.Round(linearGflop / linearMs * 1e3, 1),
            ["attention_products_ms_per_step"] = Math.Round(attentionMs, 1),
            ["elementwise_ms_per_step"] = elementwise.ToDictionary(e => e.Key, e => Math.Round(e.Value, 1)),
            ["linear_share_of_train_forward_backward"] = Math.Round(linearMs / step, 3),
        }, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Median milliseconds of 5 runs of <paramref name="work"/> after one warm-up, each in its own dispose scope.</summary>
    private static double Milliseconds(Action work)
    {
        using (torch.NewDisposeScope()) work();
        var times = new List<double>();
        for (int r = 0; r < 5; r++)
        {
            using var scope = torch.NewDisposeScope();
            var clock = Stopwatch.StartNew();
            work();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return Math.Round(times[2], 2);
    }
}
