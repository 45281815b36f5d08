using System.Diagnostics;
using System.Text.Json;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Performance;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// `efficiency [rounds] [steps] [batch] [seq] [threads]`: where a MiniLM-L6-shaped fine-tune step's time goes (zero_grad,
/// forward + loss, backward, clip, optimizer, dispose), for TorchSharp's per-parameter AdamW ("torch_adamw", the old
/// path), <see cref="FlatAdamW"/> ("flat_adamw", the trainers' default) and FlatAdamW with
/// <see cref="AttentionKernel.Fused"/> attention ("flat_adamw_fused_attention", <c>--attention fused</c>), with
/// <see cref="DropoutKernel.Counter"/> dropout (<c>--dropout counter</c>), with libtorch's own <c>bernoulli_</c> drawing the
/// default dropout's masks ("flat_adamw_native_dropout": the same masks as <see cref="LibtorchDropout"/>, the way before it),
/// with libtorch's dense word-embedding backward ("flat_adamw_dense_word_gradients": the same gradients as the default's
/// sparse one, the way before it), with the embeddings frozen ("flat_adamw_frozen_embeddings", <c>--freeze-embeddings</c>:
/// less work, whose GFLOP/s still count the whole step's FLOPs) and, on CPUs with native bfloat16, with
/// <see cref="ComputePrecision.BFloat16"/> products alone and with counter dropout (<c>--precision bf16</c>), all from the
/// same seed and initialisation, alternating in one process, beside the machine's SGEMM rate at the model's shapes;
/// prints one JSON object, with the three dropout kernels' cost per element at the step's dropout shapes.
/// </summary>
internal static class EfficiencyBench
{
    private static readonly string[] Phases = { "zero_grad", "forward", "backward", "clip", "optimizer", "dispose" };

    private sealed class Variant(string name, SequenceClassifier model, Action zero, Action clip, Action step)
    {
        public string Name { get; } = name;
        public SequenceClassifier Model { get; } = model;
        public Action Zero { get; } = zero;
        public Action Clip { get; } = clip;
        public Action Step { get; } = step;
        public List<double[]> Steps { get; } = new();
    }

    public static void Run(string[] args)
    {
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
        int steps = args.Length > 2 ? int.Parse(args[2]) : 2;
        int batch = args.Length > 3 ? int.Parse(args[3]) : 32;
        int seq = args.Length > 4 ? int.Parse(args[4]) : 64;
        torch.set_num_threads(args.Length > 5 ? int.Parse(args[5]) : 2);
        int threads = torch.get_num_threads();

        var config = BenchModel.MiniLmConfig();
        var ids = torch.randint(5, 30522, new long[] { batch, seq });
        var mask = torch.ones(batch, seq, dtype: int64);
        var types = torch.zeros(batch, seq, dtype: int64);
        var labels = torch.randint(0, 3, new long[] { batch });
        var cpu = CpuFeatures.Current;

        var models = new List<SequenceClassifier>();
        var optimizers = new List<IDisposable>();
        SequenceClassifier NewModel(ModelComputeOptions compute)
        {
            torch.manual_seed(1); // every variant starts from the same initialisation
            var model = BertForSequenceClassification.Create(config, compute);
            model.train();
            models.Add(model);
            return model;
        }
        Variant Flat(string name, ModelComputeOptions compute, bool freezeEmbeddings = false)
        {
            var model = NewModel(compute);
            if (freezeEmbeddings) model.FreezeEmbeddings();
            var flat = WeightDecayGroups.CreateFlatAdamW(model, 2e-5, 0.01);
            optimizers.Add(flat);
            return new Variant(name, model, flat.ZeroGrad, () => flat.ClipGradNorm(1.0), flat.Step);
        }
        var oldModel = NewModel(ModelComputeOptions.Default);
        var adamW = WeightDecayGroups.CreateAdamW(oldModel, 2e-5, 0.01);
        optimizers.Add(adamW);
        var oldParameters = oldModel.parameters().ToList();
        var variants = new List<Variant>
        {
            new("torch_adamw", oldModel, () => adamW.zero_grad(), () => nn.utils.clip_grad_norm_(oldParameters, 1.0), () => adamW.step()),
            Flat("flat_adamw", ModelComputeOptions.Default),
            Flat("flat_adamw_fused_attention", new ModelComputeOptions { Attention = AttentionKernel.Fused }),
            Flat("flat_adamw_counter_dropout", new ModelComputeOptions { Dropout = DropoutKernel.Counter }),
            Flat("flat_adamw_native_dropout", new ModelComputeOptions { NativeLibtorchDropout = true }),
            Flat("flat_adamw_dense_word_gradients", new ModelComputeOptions { DenseWordGradients = true }),
            // Less work, not the same work faster: its GFLOP/s and fraction of peak count the whole step's FLOPs.
            Flat("flat_adamw_frozen_embeddings", ModelComputeOptions.Default, freezeEmbeddings: true),
        };
        // bfloat16 products only where the CPU has native bfloat16 (the trainer refuses it elsewhere).
        if (cpu.HasBf16)
        {
            variants.Add(Flat("flat_adamw_bf16", new ModelComputeOptions { Precision = ComputePrecision.BFloat16 }));
            variants.Add(Flat("flat_adamw_bf16_counter_dropout", new ModelComputeOptions { Precision = ComputePrecision.BFloat16, Dropout = DropoutKernel.Counter }));
        }
        var newModel = variants[1].Model;

        void TimeStep(Variant v, bool record)
        {
            var marks = new double[Phases.Length + 1];
            var clock = Stopwatch.StartNew();
            using (var scope = torch.NewDisposeScope())
            {
                v.Zero();
                marks[1] = clock.Elapsed.TotalSeconds;
                var loss = nn.functional.cross_entropy(v.Model.Forward(ids, mask, types), labels);
                marks[2] = clock.Elapsed.TotalSeconds;
                loss.backward();
                marks[3] = clock.Elapsed.TotalSeconds;
                v.Clip();
                marks[4] = clock.Elapsed.TotalSeconds;
                v.Step();
                marks[5] = clock.Elapsed.TotalSeconds;
            }
            marks[6] = clock.Elapsed.TotalSeconds;
            if (record) v.Steps.Add(Enumerable.Range(0, Phases.Length).Select(i => marks[i + 1] - marks[i]).ToArray());
        }

        foreach (var v in variants) TimeStep(v, record: false); // warm-up: first-touch of moments and allocator
        for (int r = 0; r < rounds; r++)
            foreach (var v in r % 2 == 0 ? variants : Enumerable.Reverse(variants))
                for (int s = 0; s < steps; s++) TimeStep(v, record: true);

        double flops = TrainingStepFlops.Of(newModel, batch, seq);
        var shapes = TrainingStepFlops.LinearGemmShapes(newModel, (long)batch * seq);
        var torchRates = GemmPeakProbe.Measure(shapes);
        var square = GemmPeakProbe.Measure(new[] { new GemmShape(2048, 2048, 2048) })[0];
        var bf16Rates = cpu.HasBf16 ? GemmPeakProbe.Measure(shapes, dtype: ScalarType.BFloat16) : [];
        var openBlas = OpenBlasProbe.Measure(shapes, threads);
        double peak = Math.Max(torchRates.Max(r => r.GflopPerSecond), openBlas.TryGetValue("best_gflops", out var ob) && ob is double o ? o : 0);
        string peakSource = peak == torchRates.Max(r => r.GflopPerSecond) ? "libtorch" : "openblas";

        var report = new Dictionary<string, object?>();
        var machine = BenchRecord.Machine();
        machine["avx2"] = cpu.Avx2; machine["avx512f"] = cpu.Avx512F; machine["vnni"] = cpu.HasVnni;
        machine["avx512_bf16"] = cpu.Avx512Bf16; machine["amx_bf16"] = cpu.AmxBf16;
        machine["logical_processors"] = Environment.ProcessorCount;
        machine["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString();
        report["machine"] = machine;
        report["shape"] = new Dictionary<string, object?>
        {
            ["model"] = "MiniLM-L6 (BERT, 6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522; random init)", ["batch"] = batch, ["seq"] = seq,
            ["trainable_parameters"] = newModel.TrainableParameterCount(), ["rounds"] = rounds, ["steps_per_round"] = steps,
        };
        var (tokenwise, perSequence, width) = TrainingStepFlops.MatmulWeights(newModel);
        report["flops"] = new Dictionary<string, object?>
        {
            ["formula"] = "6*P_tokenwise*B*S + 6*P_head*B + 12*B*S^2*sum(attention width)",
            ["p_tokenwise"] = tokenwise, ["p_head"] = perSequence, ["attention_width_sum"] = width,
            ["gflop_per_step"] = Math.Round(flops / 1e9, 2),
        };
        report["gemm_peak"] = new Dictionary<string, object?>
        {
            ["libtorch"] = torchRates.Select(r => new Dictionary<string, object> { ["shape"] = r.Shape.ToString(), ["gflops"] = Math.Round(r.GflopPerSecond, 1) }).ToList(),
            ["libtorch_best_gflops"] = Math.Round(torchRates.Max(r => r.GflopPerSecond), 1),
            ["libtorch_2048_square_gflops"] = Math.Round(square.GflopPerSecond, 1),
            ["openblas"] = openBlas,
            ["peak_gflops"] = Math.Round(peak, 1), ["peak_source"] = peakSource,
            // Not the yardstick (the target is against single precision); shows what the bf16 variants' products can reach.
            ["libtorch_bf16_best_gflops"] = bf16Rates.Count == 0 ? null : Math.Round(bf16Rates.Max(r => r.GflopPerSecond), 1),
        };
        var results = new Dictionary<string, object?>();
        foreach (var v in variants)
        {
            var totals = v.Steps.Select(s => s.Sum()).ToList();
            double step = BenchRecord.Median(totals);
            var phases = Enumerable.Range(0, Phases.Length).ToDictionary(i => Phases[i], i => Math.Round(BenchRecord.Median(v.Steps.Select(s => s[i])), 4));
            double bookkeeping = phases["zero_grad"] + phases["clip"] + phases["optimizer"];
            results[v.Name] = new Dictionary<string, object?>
            {
                ["step_seconds_median"] = Math.Round(step, 4),
                ["step_seconds"] = totals.Select(t => Math.Round(t, 4)).ToList(),
                ["phase_seconds_median"] = phases,
                ["optimizer_share"] = Math.Round(bookkeeping / step, 4), // zero_grad + clip + optimizer over the step
                ["achieved_gflops"] = Math.Round(flops / step / 1e9, 1),
                ["fraction_of_peak"] = Math.Round(flops / step / 1e9 / peak, 3),
            };
        }
        report["results"] = results;
        report["dropout_ns_per_element"] = DropoutCost(batch, seq, config.HiddenSize, config.NumAttentionHeads);
        double FlatMedian(string name) => BenchRecord.Median(variants.Single(v => v.Name == name).Steps.Select(st => st.Sum()));
        report["speedup_over_flat_adamw"] = variants.Skip(2).ToDictionary(v => v.Name, v => (object?)Math.Round(FlatMedian("flat_adamw") / FlatMedian(v.Name), 3));
        report["speedup_flat_over_torch"] = Math.Round(BenchRecord.Median(variants[0].Steps.Select(s => s.Sum())) / BenchRecord.Median(variants[1].Steps.Select(s => s.Sum())), 3);
        report["optimizer_speedup_flat_over_torch"] = Math.Round(
            BenchRecord.Median(variants[0].Steps.Select(s => s[0] + s[3] + s[4])) / BenchRecord.Median(variants[1].Steps.Select(s => s[0] + s[3] + s[4])), 2);
        // forward + backward only: attention is all that differs between the two FlatAdamW variants.
        report["forward_backward_speedup_fused_attention_over_flat"] = Math.Round(
            BenchRecord.Median(variants[1].Steps.Select(s => s[1] + s[2])) / BenchRecord.Median(variants[2].Steps.Select(s => s[1] + s[2])), 3);
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var optimizer in optimizers) optimizer.Dispose();
        foreach (var m in models) m.Dispose();
    }

    /// <summary>
    /// Median nanoseconds per element of one training-mode dropout (p = 0.1) at the step's hidden-state and
    /// attention-probability shapes, for libtorch's own kernel, <see cref="LibtorchDropout"/> (the default, same masks) and
    /// <see cref="CounterDropout"/>, alternating.
    /// </summary>
    private static Dictionary<string, object?> DropoutCost(int batch, int seq, int hidden, int heads)
    {
        var kernels = new (string Name, Func<Tensor, Tensor> Apply)[]
        {
            ("libtorch_native", t => nn.functional.dropout(t, 0.1, true)),
            ("libtorch_replayed", t => LibtorchDropout.Apply(t, 0.1)),
            ("counter", t => CounterDropout.Apply(t, 0.1)),
        };
        var result = new Dictionary<string, object?>();
        foreach (var (shapeName, shape) in new[] { ("hidden", new long[] { batch, seq, hidden }), ("attention_probs", new long[] { batch, heads, seq, seq }) })
        {
            using var x = torch.randn(shape);
            var times = kernels.ToDictionary(k => k.Name, _ => new List<double>());
            for (int r = 0; r < 8; r++)
                foreach (var (name, apply) in kernels)
                {
                    var clock = Stopwatch.StartNew();
                    apply(x).Dispose();
                    if (r > 0) times[name].Add(clock.Elapsed.TotalSeconds * 1e9 / x.numel()); // round 0 warms up
                }
            result[shapeName] = times.ToDictionary(t => t.Key, t => (object?)Math.Round(t.Value.Order().ElementAt(t.Value.Count / 2), 2));
        }
        return result;
    }
}
