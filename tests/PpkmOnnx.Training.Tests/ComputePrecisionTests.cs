using System.Text.Json.Nodes;
using PpkmOnnx.Core;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Platform;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="ComputePrecision.BFloat16"/> (<c>--precision bf16</c>) against the float32 path on the same weights: the
/// products really run in bfloat16 (results differ from float32) yet stay within bfloat16's rounding; gradients reach the
/// float32 parameters; the trainer learns as well as in float32 where the CPU has native bfloat16 and refuses it where not.
/// </summary>
public class ComputePrecisionTests
{
    public static TheoryData<ModelArchitecture> Architectures => new() { ModelArchitecture.Bert, ModelArchitecture.DistilBert };

    private static (SequenceClassifier Fp32, SequenceClassifier Bf16) Twins(ModelArchitecture architecture, int seed)
    {
        var config = architecture == ModelArchitecture.Bert ? TinyModels.Bert(layers: 2) : TinyModels.DistilBert(layers: 2);
        torch.manual_seed(seed);
        var fp32 = SequenceClassifierFactory.Create(config);
        // Weights large enough that the logits are far from 0, so a bfloat16 rounding shows as a relative change.
        using (torch.no_grad()) foreach (var p in fp32.parameters()) p.add_(torch.randn_like(p) * 0.2);
        var bf16 = SequenceClassifierFactory.Create(config, new ModelComputeOptions { Precision = ComputePrecision.BFloat16 });
        CheckpointLoader.Assign(bf16, fp32.NamedTensors(), "fp32 twin");
        return (fp32, bf16);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Bfloat16_logits_differ_from_float32_only_by_bfloat16_rounding(ModelArchitecture architecture)
    {
        var (fp32, bf16) = Twins(architecture, seed: 5);
        using (fp32) using (bf16)
        {
            var expected = fp32.Logits(TinyModels.PaddedBatch);
            var actual = bf16.Logits(TinyModels.PaddedBatch);
            double scale = expected.Max(v => Math.Abs(v));
            double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            // bfloat16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002 per product input); through two layers the
            // logits may move by a few percent of their size, never by more than 5 %.
            Assert.True(worst <= 0.05 * scale, $"largest difference {worst} against logits up to {scale}");
            // ...and they do move: the products really ran in bfloat16.
            Assert.True(worst > 1e-6 * scale, $"bfloat16 logits equal float32 ones (difference {worst}): the products ran in float32");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Bfloat16_gradients_reach_the_float32_parameters_and_point_the_same_way(ModelArchitecture architecture)
    {
        var (fp32, bf16) = Twins(architecture, seed: 6);
        using (fp32) using (bf16)
        {
            var labels = torch.tensor(new long[] { 1, 0, 1 });
            foreach (var model in new[] { fp32, bf16 })
            {
                model.eval(); // no dropout: the two runs see the same function
                var (ids, mask, types) = SequenceClassifier.ToTensors(TinyModels.PaddedBatch, torch.CPU);
                nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).backward();
            }
            var reference = fp32.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, p) in bf16.named_parameters())
            {
                Assert.Equal(ScalarType.Float32, p.dtype);
                var g = p.grad;
                var r = reference[name].grad!;
                Assert.NotNull(g);
                Assert.Equal(ScalarType.Float32, g!.dtype);
                double norm = r.norm().item<float>();
                if (norm < 1e-6) continue; // e.g. padding's embedding row
                double cosine = (g * r).sum().item<float>() / (g.norm().item<float>() * norm);
                Assert.True(cosine > 0.99, $"{name}: cosine {cosine} between bfloat16 and float32 gradients");
            }
        }
    }

    private static CpuFeatures Cpu(bool avx512Bf16, bool amxBf16) => new()
    {
        IsX86 = true, Avx2 = true, Fma = true, Avx512F = true, Avx512BW = true, Avx512Vnni = true, AvxVnni = false, Sse41 = true, Neon = false,
        Architecture = "x64", Avx512Bf16 = avx512Bf16, AmxTile = amxBf16, AmxBf16 = amxBf16, ModelName = "AMD EPYC 7B13",
    };

    [Theory]
    [InlineData(false, false, true)]  // AVX-512 without BF16 (e.g. Zen 3 has no AVX-512 at all; Ice Lake has no BF16)
    [InlineData(true, false, false)]  // AVX-512-BF16 (Zen 4, Cooper Lake)
    [InlineData(false, true, false)]  // AMX-BF16 (Sapphire Rapids)
    public void Bf16_is_refused_on_cpu_without_native_bfloat16_and_only_there(bool avx512Bf16, bool amxBf16, bool refused)
    {
        var bf16 = new ModelComputeOptions { Precision = ComputePrecision.BFloat16 };
        var cpu = Cpu(avx512Bf16, amxBf16);
        if (refused)
        {
            var e = Assert.Throws<InvalidSettingException>(() => bf16.EnsureSupportedOn(DeviceType.CPU, cpu));
            Assert.Equal("Precision", e.Setting);
            Assert.StartsWith("bf16 needs a CPU with AMX-BF16 or AVX-512-BF16, and this one (AMD EPYC 7B13; AVX2, FMA, AVX-512F", e.Problem);
        }
        else bf16.EnsureSupportedOn(DeviceType.CPU, cpu);
        // fp32 is never refused, and a GPU is not this CPU's business.
        ModelComputeOptions.Default.EnsureSupportedOn(DeviceType.CPU, cpu);
        bf16.EnsureSupportedOn(DeviceType.CUDA, cpu);
    }

    [Fact]
    public void The_trainer_learns_in_bfloat16_as_in_float32_where_the_cpu_has_it_and_refuses_it_where_not()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(labels: 2), temp.Combine("model"));
        var data = TinyModels.SeparableSplits();
        var options = TinyModels.FastOptions(modelDir, "") with { Epochs = 3, LearningRate = 5e-3 };
        var bf16 = options with { OutputPath = temp.Combine("bf16"), Compute = new ModelComputeOptions { Precision = ComputePrecision.BFloat16 } };
        if (!CpuFeatures.Current.HasBf16)
        {
            var e = Assert.Throws<InvalidSettingException>(() => SequenceClassifierTrainer.Run(bf16, data));
            Assert.Equal("Precision", e.Setting);
            Assert.Contains("neither", e.Problem);
            Assert.False(Directory.Exists(bf16.OutputPath), "a refused run wrote its output folder");
            return;
        }
        var reference = SequenceClassifierTrainer.Run(options with { OutputPath = temp.Combine("fp32") }, data);
        var result = SequenceClassifierTrainer.Run(bf16, data);
        // The separable task is learnt by both (float32 reaches validation accuracy ≥ 0.9 here); bfloat16 within 5 points.
        Assert.True(reference.Epochs.Max(e => e.Validation.Accuracy) >= 0.9, $"float32 reference reached only {reference.Epochs.Max(e => e.Validation.Accuracy)}");
        Assert.InRange(result.Epochs.Max(e => e.Validation.Accuracy), reference.Epochs.Max(e => e.Validation.Accuracy) - 0.05, 1.0);
        var hyper = JsonNode.Parse(File.ReadAllText(Path.Combine(bf16.OutputPath, "training.json")))!["hyperparameters"]!;
        Assert.Equal("bf16", hyper["precision"]!.GetValue<string>());
        Assert.Equal("libtorch", hyper["dropout"]!.GetValue<string>());
    }
}
