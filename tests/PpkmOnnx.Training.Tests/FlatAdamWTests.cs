using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Tests.Common;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// <see cref="FlatAdamW"/> against AdamW written out by hand in float64 (one parameter at a time, clipping included) and
/// against TorchSharp's own <c>torch.optim.AdamW</c>: both weight-decay groups, a changing learning rate, active clipping.
/// </summary>
public class FlatAdamWTests
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;

    private static (Tensor Ids, Tensor Mask, Tensor Types, Tensor Labels) Batch()
    {
        var batch = new EncodedBatch(new long[] { 2, 5, 6, 3, 2, 10, 11, 3, 2, 7, 3, 0 }, new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 }, new long[12], 3, 4);
        var (ids, mask, types) = SequenceClassifier.ToTensors(batch, torch.CPU);
        return (ids, mask, types, torch.tensor(new long[] { 1, 0, 1 }));
    }

    private static double[] ToDoubles(Tensor t) => t.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    /// <summary>Per-parameter AdamW in float64: exactly the documented algorithm, nothing shared with the code under test.</summary>
    private sealed class ReferenceAdamW(Dictionary<string, double[]> values, Func<string, double> weightDecay)
    {
        private readonly Dictionary<string, double[]> _m = values.ToDictionary(kv => kv.Key, kv => new double[kv.Value.Length]);
        private readonly Dictionary<string, double[]> _v = values.ToDictionary(kv => kv.Key, kv => new double[kv.Value.Length]);
        private int _t;
        public Dictionary<string, double[]> Values { get; } = values;

        /// <summary>clip_grad_norm_(maxNorm) then one AdamW step; returns the norm before clipping.</summary>
        public double Step(Dictionary<string, double[]> grads, double lr, double maxNorm)
        {
            double norm = Math.Sqrt(grads.Values.Sum(g => g.Sum(x => x * x)));
            double clip = Math.Min(1.0, maxNorm / (norm + 1e-6));
            _t++;
            double bc1 = 1 - Math.Pow(Beta1, _t), bc2 = 1 - Math.Pow(Beta2, _t);
            foreach (var (name, p) in Values)
            {
                var g = grads[name];
                var m = _m[name];
                var v = _v[name];
                double wd = weightDecay(name);
                for (int i = 0; i < p.Length; i++)
                {
                    double gi = g[i] * clip;
                    p[i] -= lr * wd * p[i];
                    m[i] = Beta1 * m[i] + (1 - Beta1) * gi;
                    v[i] = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                    p[i] -= lr / bc1 * m[i] / (Math.Sqrt(v[i] / bc2) + Eps);
                }
            }
            return norm;
        }
    }

    /// <summary>
    /// Largest |a − b| / max(|b|, rms(b)) over every element of the model's parameters: relative to the element, or to
    /// its tensor's scale where the element itself is near zero (float32 arithmetic makes absolute errors of the order
    /// of its operands' ulp, and an update that nearly cancels a weight leaves a result far smaller than those operands).
    /// </summary>
    private static double MaxRelativeError(SequenceClassifier model, Dictionary<string, double[]> reference)
    {
        double worst = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            var actual = ToDoubles(p);
            var expected = reference[name];
            double rms = Math.Sqrt(expected.Sum(x => x * x) / expected.Length);
            for (int i = 0; i < actual.Length; i++)
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), Math.Max(rms, 1e-30)));
        }
        return worst;
    }

    [Theory]
    [InlineData(false)] // float32 on CPU: the one-pass kernel
    [InlineData(true)]  // float64: the in-place libtorch ops path (the one CUDA takes)
    public void UpdatesEqualHandWrittenFloat64AdamWWithBothGroupsAndClipping(bool float64)
    {
        torch.manual_seed(21);
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 2));
        if (float64) model.to(ScalarType.Float64);
        model.eval(); // no dropout: every step's gradient is a function of the weights alone
        var (ids, mask, types, labels) = Batch();
        const double weightDecay = 0.1;
        var reference = new ReferenceAdamW(model.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter)),
            name => WeightDecayGroups.IsDecayed(name) ? weightDecay : 0.0);
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-2, weightDecay);
        Assert.Equal(!float64, optimizer.UsesFusedCpuKernel);
        Assert.Equal(model.TrainableParameterCount(), optimizer.ParameterCount);

        double[] learningRates = { 1e-2, 2e-2, 3e-2, 1.5e-2, 5e-3, 1e-3 };
        int clipped = 0;
        foreach (var lr in learningRates)
        {
            optimizer.ZeroGrad();
            var loss = nn.functional.cross_entropy(model.Forward(ids, mask, types), labels);
            loss.backward();
            var grads = model.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter.grad!));
            double unclippedNorm = Math.Sqrt(grads.Values.Sum(g => g.Sum(x => x * x)));
            double maxNorm = 0.5 * unclippedNorm; // clipping halves every gradient
            if (maxNorm < unclippedNorm) clipped++;
            optimizer.LearningRate = lr;
            double norm = optimizer.ClipGradNorm(maxNorm);
            optimizer.Step();
            double expectedNorm = reference.Step(grads, lr, maxNorm);
            Assert.Equal(expectedNorm, norm, expectedNorm * 1e-6);
        }
        Assert.Equal(learningRates.Length, clipped);
        Assert.Equal(learningRates.Length, optimizer.StepCount);
        // float32 rounding is ~6e-8 relative per operation; 1e-6 leaves room for six steps of a handful of operations.
        double error = MaxRelativeError(model, reference.Values);
        Assert.True(error <= (float64 ? 1e-12 : 1e-6), $"max relative error {error:E2}");
    }

    [Fact]
    public void AStepWithoutDecayOnBiasesAndLayerNormFailsTheReferenceCheck()
    {
        // The comparison above is sharp enough to see a wrong group: decaying every parameter moves the no-decay ones
        // by lr·wd = 1e-3 relative, a thousand times the tolerance.
        torch.manual_seed(21);
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 1));
        model.eval();
        var (ids, mask, types, labels) = Batch();
        var reference = new ReferenceAdamW(model.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter)),
            name => WeightDecayGroups.IsDecayed(name) ? 0.1 : 0.0);
        using var wrong = FlatAdamW.Create([("all", 0.1, model.named_parameters().Select(p => (p.name, p.parameter)).ToList())], 1e-2);
        wrong.ZeroGrad();
        nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).backward();
        var grads = model.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter.grad!));
        wrong.Step();
        reference.Step(grads, 1e-2, double.PositiveInfinity);
        Assert.True(MaxRelativeError(model, reference.Values) > 1e-4);
    }

    [Fact]
    public void UpdatesEqualTorchSharpAdamWGivenTheSameGradients()
    {
        // The same gradients go to both (a shared trajectory would let float rounding in the forward pass pick different
        // gradients, and Adam's m/√v magnifies relative noise in near-zero gradients): magnitudes from 1e-6 to 1, some
        // exact zeros, clipping active in every step.
        var config = TinyModels.Bert(layers: 2);
        torch.manual_seed(5);
        using var flatModel = BertForSequenceClassification.Create(config);
        torch.manual_seed(5);
        using var torchModel = BertForSequenceClassification.Create(config);
        using var flat = WeightDecayGroups.CreateFlatAdamW(flatModel, 1e-3, 0.05);
        using var adamW = WeightDecayGroups.CreateAdamW(torchModel, 1e-3, 0.05);
        var torchParameters = torchModel.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var generator = new torch.Generator(17);
        for (int step = 0; step < 5; step++)
        {
            double lr = 1e-3 * (step + 1);
            flat.ZeroGrad();
            adamW.zero_grad();
            using (torch.no_grad())
            {
                foreach (var (name, p) in flatModel.named_parameters())
                {
                    using var magnitude = torch.pow(10.0, torch.rand(p.shape, generator: generator) * 6 - 6);
                    using var keep = torch.rand(p.shape, generator: generator).gt(0.05).to(ScalarType.Float32);
                    using var g = torch.randn(p.shape, generator: generator) * magnitude * keep;
                    p.grad!.copy_(g);
                    var twin = torchParameters[name];
                    if (twin.grad is null) twin.grad = g.clone();
                    else twin.grad.copy_(g);
                }
            }
            double norm = Math.Sqrt(flatModel.parameters().Sum(p => Math.Pow(p.grad!.norm().item<float>(), 2)));
            flat.LearningRate = lr;
            flat.ClipGradNorm(0.5 * norm);
            flat.Step();
            foreach (var g in adamW.ParamGroups) g.LearningRate = lr;
            nn.utils.clip_grad_norm_(torchParameters.Values, 0.5 * norm);
            adamW.step();
        }
        var expected = torchModel.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter));
        double error = MaxRelativeError(flatModel, expected);
        Assert.True(error <= 1e-6, $"max relative error vs TorchSharp AdamW {error:E2}");
    }

    [Fact]
    public void FlatteningKeepsValuesOutputsAndGradientsAndZeroGradClearsThem()
    {
        var config = TinyModels.Bert(layers: 1);
        torch.manual_seed(3);
        using var model = BertForSequenceClassification.Create(config);
        torch.manual_seed(3);
        using var twin = BertForSequenceClassification.Create(config);
        model.eval();
        twin.eval();
        var (ids, mask, types, labels) = Batch();
        var before = model.NamedTensors();
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-3, 0.01);
        var after = model.NamedTensors();
        foreach (var (name, t) in before) Assert.Equal(t.Data, after[name].Data);

        for (int round = 0; round < 2; round++)
        {
            optimizer.ZeroGrad();
            foreach (var p in twin.parameters()) p.grad?.zero_();
            nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).backward();
            nn.functional.cross_entropy(twin.Forward(ids, mask, types), labels).backward();
            var twinGrads = twin.named_parameters().ToDictionary(p => p.name, p => ToDoubles(p.parameter.grad!));
            foreach (var (name, p) in model.named_parameters())
                Assert.Equal(twinGrads[name], ToDoubles(p.grad!)); // accumulated into the flat buffer, bit for bit
        }
        optimizer.ZeroGrad();
        Assert.All(model.parameters(), p => Assert.All(ToDoubles(p.grad!), x => Assert.Equal(0.0, x)));
        // An optimizer step moves the model's own parameters (they are views of the buffer it updates).
        nn.functional.cross_entropy(model.Forward(ids, mask, types), labels).backward();
        optimizer.Step();
        Assert.NotEqual(before["classifier.weight"].Data, model.NamedTensors()["classifier.weight"].Data);
    }

    [Fact]
    public void SavedStateRestoresTheSameNextStepAndRefusesAnotherLayout()
    {
        using var temp = TestPaths.NewTempFolder();
        var config = TinyModels.Bert(layers: 1);
        var (ids, mask, types, labels) = Batch();
        torch.manual_seed(4);
        using var model = BertForSequenceClassification.Create(config);
        model.eval();
        using var optimizer = WeightDecayGroups.CreateFlatAdamW(model, 1e-2, 0.01);
        void TrainStep(SequenceClassifier m, FlatAdamW o)
        {
            o.ZeroGrad();
            nn.functional.cross_entropy(m.Forward(ids, mask, types), labels).backward();
            o.ClipGradNorm(0.2);
            o.Step();
        }
        TrainStep(model, optimizer);
        TrainStep(model, optimizer);
        var statePath = temp.Combine("optimizer.bin");
        optimizer.Save(statePath);

        torch.manual_seed(99);
        using var resumed = BertForSequenceClassification.Create(config);
        resumed.eval();
        using var resumedOptimizer = WeightDecayGroups.CreateFlatAdamW(resumed, 1e-2, 0.01);
        Checkpoints.CheckpointLoader.Assign(resumed, model.NamedTensors(), "test");
        resumedOptimizer.Load(statePath);
        Assert.Equal(2, resumedOptimizer.StepCount);
        TrainStep(model, optimizer);
        TrainStep(resumed, resumedOptimizer);
        var a = model.NamedTensors();
        foreach (var (name, t) in resumed.NamedTensors()) Assert.Equal(a[name].Data, t.Data);

        using var other = BertForSequenceClassification.Create(TinyModels.Bert(layers: 2));
        using var otherOptimizer = WeightDecayGroups.CreateFlatAdamW(other, 1e-2, 0.01);
        Assert.Throws<InvalidDataException>(() => otherOptimizer.Load(statePath));
        File.WriteAllBytes(temp.Combine("old.bin"), new byte[] { 1, 2, 3 });
        Assert.Throws<InvalidDataException>(() => otherOptimizer.Load(temp.Combine("old.bin")));
    }
}
