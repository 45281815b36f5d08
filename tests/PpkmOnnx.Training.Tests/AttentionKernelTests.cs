using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="AttentionKernel.Fused"/> (libtorch's scaled_dot_product_attention) against Hugging Face's eager path on the
/// same weights: equal logits and gradients without dropout, and the eager path itself while head masks are set.
/// </summary>
public class AttentionKernelTests
{
    private static readonly EncodedBatch PaddedBatch = TinyModels.PaddedBatch;

    private static readonly long[] Labels = { 1, 0, 1 };

    public static TheoryData<ModelArchitecture> Architectures => new() { ModelArchitecture.Bert, ModelArchitecture.DistilBert };

    private static ModelConfig Tiny(ModelArchitecture architecture) =>
        architecture == ModelArchitecture.Bert ? TinyModels.Bert(layers: 2) : TinyModels.DistilBert(layers: 2);

    /// <summary>An eager model and a fused one with the eager one's weights.</summary>
    private static (SequenceClassifier Eager, SequenceClassifier Fused) Twins(ModelConfig config, int seed)
    {
        torch.manual_seed(seed);
        var eager = SequenceClassifierFactory.Create(config);
        // Weights large enough that attention is far from uniform, so a wrong mask or scale would show.
        using (torch.no_grad()) foreach (var p in eager.parameters()) p.add_(torch.randn_like(p) * 0.2);
        var fused = SequenceClassifierFactory.Create(config, new ModelComputeOptions { Attention = AttentionKernel.Fused });
        CheckpointLoader.Assign(fused, eager.NamedTensors(), "eager twin");
        Assert.Equal(AttentionKernel.Eager, eager.Compute.Attention);
        Assert.Equal(AttentionKernel.Fused, fused.Compute.Attention);
        return (eager, fused);
    }

    private static Tensor Loss(SequenceClassifier model)
    {
        var (ids, mask, types) = SequenceClassifier.ToTensors(PaddedBatch, torch.CPU);
        return nn.functional.cross_entropy(model.Forward(ids, mask, types), torch.tensor(Labels));
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Eval_mode_logits_of_fused_and_eager_attention_agree_with_padding(ModelArchitecture architecture)
    {
        var (eager, fused) = Twins(Tiny(architecture), seed: 3);
        using (eager) using (fused)
        {
            var expected = eager.Logits(PaddedBatch);
            var actual = fused.Logits(PaddedBatch);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"logit {i}: eager {expected[i]}, fused {actual[i]}");
            // The padded rows really are padded: a different token under the mask leaves the fused logits unchanged.
            var repadded = PaddedBatch with { InputIds = PaddedBatch.InputIds.Select((id, i) => PaddedBatch.AttentionMask[i] == 0 ? 9L : id).ToArray() };
            var again = fused.Logits(repadded);
            for (int i = 0; i < actual.Length; i++) Assert.True(Math.Abs(actual[i] - again[i]) <= 1e-5, $"logit {i} moved with a padded token");
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Eval_mode_gradients_of_fused_and_eager_attention_agree(ModelArchitecture architecture)
    {
        var (eager, fused) = Twins(Tiny(architecture), seed: 4);
        using (eager) using (fused)
        {
            eager.eval();
            fused.eval();
            Loss(eager).backward();
            Loss(fused).backward();
            var fusedParameters = fused.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            double total = Math.Sqrt(eager.parameters().Sum(p => Math.Pow(p.grad!.norm().item<float>(), 2)));
            int compared = 0;
            foreach (var (name, p) in eager.named_parameters())
            {
                var expected = p.grad;
                var actual = fusedParameters[name].grad;
                Assert.NotNull(expected);
                Assert.NotNull(actual);
                double norm = expected!.norm().item<float>();
                double difference = (expected - actual!).norm().item<float>();
                // Relative to the parameter's own gradient norm. Some gradients are zero in exact arithmetic (key biases: softmax
                // ignores a constant added to a row of scores; unused embedding rows), so both paths hold only rounding noise
                // there; the floor, a ten-millionth of the whole gradient's norm, admits that noise and nothing larger.
                Assert.True(difference <= 1e-4 * norm + 1e-7 * total, $"{name}: |Δgrad| {difference:E3} against |grad| {norm:E3} (whole gradient {total:E3})");
                compared++;
            }
            Assert.Equal(eager.parameters().Count(), compared);
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Fused_attention_with_head_masks_is_the_eager_path(ModelArchitecture architecture)
    {
        var config = Tiny(architecture);
        var (eager, fused) = Twins(config, seed: 5);
        using (eager) using (fused)
        {
            // Training mode: dropout on. Only the eager path draws the same dropout masks from the same seed, so equal
            // logits and head-mask gradients show that the fused model fell back to it.
            eager.train();
            fused.train();
            Tensor[] Masks() => Enumerable.Range(0, config.NumHiddenLayers)
                .Select(l => torch.linspace(0.5, 1.0, config.HeadsInLayer(l)).reshape(-1, 1, 1).requires_grad_(true)).ToArray();
            var eagerMasks = Masks();
            var fusedMasks = Masks();
            eager.HeadMasks = eagerMasks;
            fused.HeadMasks = fusedMasks;
            torch.manual_seed(11);
            var eagerLoss = Loss(eager);
            torch.manual_seed(11);
            var fusedLoss = Loss(fused);
            Assert.Equal(eagerLoss.item<float>(), fusedLoss.item<float>());
            eagerLoss.backward();
            fusedLoss.backward();
            for (int l = 0; l < eagerMasks.Length; l++)
                Assert.Equal(eagerMasks[l].grad!.data<float>().ToArray(), fusedMasks[l].grad!.data<float>().ToArray());
        }
    }

    [Fact]
    public void Fused_attention_in_training_mode_draws_its_own_dropout()
    {
        // Why the kernel is opt-in: with dropout on, the same seed gives a different forward than the eager path.
        var (eager, fused) = Twins(TinyModels.Bert(layers: 2), seed: 6);
        using (eager) using (fused)
        {
            eager.train();
            fused.train();
            torch.manual_seed(12);
            var eagerLoss = Loss(eager).item<float>();
            torch.manual_seed(12);
            var fusedLoss = Loss(fused).item<float>();
            Assert.NotEqual(eagerLoss, fusedLoss);
        }
    }

    [Fact]
    public void A_checkpoint_loads_with_the_compute_options_asked_for_and_the_student_inherits_them()
    {
        using var temp = TestPaths.NewTempFolder();
        var folder = TinyModels.SaveFresh(TinyModels.Bert(layers: 2), temp.Combine("bert"));
        var asked = new ModelComputeOptions { Attention = AttentionKernel.Fused, Precision = ComputePrecision.BFloat16, Dropout = DropoutKernel.Counter };
        using var loaded = CheckpointLoader.Load(folder, new CheckpointLoadOptions { Compute = asked });
        Assert.Equal(asked, loaded.Model.Compute);
        using var student = Distillation.StudentBuilder.FromTeacher(loaded.Model);
        Assert.Equal(asked, student.Compute);
        using var plain = CheckpointLoader.Load(folder);
        Assert.Equal(new ModelComputeOptions { Attention = AttentionKernel.Eager, Precision = ComputePrecision.Float32, Dropout = DropoutKernel.Libtorch }, plain.Model.Compute);
    }

    [Fact]
    public void Training_with_fused_attention_learns_and_records_the_kernel()
    {
        using var temp = TestPaths.NewTempFolder();
        var modelDir = TinyModels.SaveFresh(TinyModels.Bert(labels: 2), temp.Combine("model"));
        var options = TinyModels.FastOptions(modelDir, temp.Combine("out")) with { Epochs = 3, LearningRate = 5e-3, Compute = new ModelComputeOptions { Attention = AttentionKernel.Fused } };
        var result = Training.SequenceClassifierTrainer.Run(options, TinyModels.SeparableSplits());
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss, $"train loss {result.Epochs[0].TrainLoss} → {result.Epochs[^1].TrainLoss}");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(temp.Combine("out", "training.json")))!;
        Assert.Equal("fused", json["hyperparameters"]!["attention"]!.GetValue<string>());
    }
}
