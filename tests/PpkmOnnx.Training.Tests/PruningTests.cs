using PpkmOnnx.Core;
using System.Text.Json.Nodes;
using PpkmOnnx.Core.Checkpoints;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Core.Tokenization;
using PpkmOnnx.Training.Checkpoints;
using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Pruning;
using PpkmOnnx.Tests.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Tests;

/// <summary>
/// Structured pruning on tiny models: removal is compared with masking computed separately on the unpruned model,
/// importance with finite differences, pruned_heads with hand-computed original indices.
/// </summary>
public class PruningTests
{
    public static TheoryData<string> Architectures => new() { "bert", "distilbert" };

    private static SequenceClassifier Perturbed(string arch, int seed = 5)
    {
        var config = arch == "bert" ? TinyModels.Bert(layers: 2, labels: 3) : TinyModels.DistilBert(layers: 2) with { Labels = ["a", "b", "c"] };
        torch.manual_seed(seed);
        var model = SequenceClassifierFactory.Create(config);
        // Biases and LayerNorms away from 0/1 and larger weights, so a wrong row or column shows in the logits.
        using (torch.no_grad()) foreach (var p in model.parameters()) p.add_(torch.randn_like(p) * 0.1);
        model.eval();
        return model;
    }

    /// <summary>Two padded rows of random token ids (vocabulary ids 5..40).</summary>
    private static EncodedBatch RandomBatch(int seed)
    {
        var random = new Random(seed);
        int length = 9;
        var ids = new long[2 * length];
        var mask = new long[2 * length];
        for (int i = 0; i < ids.Length; i++)
        {
            bool real = i < length || i - length < 6; // second row: 6 real tokens, 3 padding
            ids[i] = real ? random.Next(5, 40) : 0;
            mask[i] = real ? 1 : 0;
        }
        return new EncodedBatch(ids, mask, new long[ids.Length], 2, length);
    }

    /// <summary>Logits of <paramref name="model"/> with the given units masked to zero (the reference the removal must equal).</summary>
    private static float[] MaskedLogits(SequenceClassifier model, EncodedBatch batch, Dictionary<int, int[]> heads, Dictionary<int, int[]> neurons)
    {
        var c = model.Config;
        var headMasks = Enumerable.Range(0, c.NumHiddenLayers).Select(l =>
        {
            var m = Enumerable.Repeat(1f, c.HeadsInLayer(l)).ToArray();
            foreach (var h in heads.GetValueOrDefault(l, [])) m[h] = 0;
            return torch.tensor(m).view(1, -1, 1, 1);
        }).ToArray();
        var ffnMasks = Enumerable.Range(0, c.NumHiddenLayers).Select(l =>
        {
            var m = Enumerable.Repeat(1f, c.IntermediateSize).ToArray();
            foreach (var j in neurons.GetValueOrDefault(l, [])) m[j] = 0;
            return torch.tensor(m).view(1, 1, -1);
        }).ToArray();
        model.HeadMasks = headMasks;
        model.FfnMasks = ffnMasks;
        try { return model.Logits(batch); }
        finally { model.HeadMasks = null; model.FfnMasks = null; }
    }

    private static PruningPlan Plan(ModelConfig c, Dictionary<int, int[]> heads, Dictionary<int, int[]> neuronsRemoved) => new(
        Enumerable.Range(0, c.NumHiddenLayers).Select(l => heads.GetValueOrDefault(l, [])).ToArray(),
        Enumerable.Range(0, c.NumHiddenLayers).Select(l => Enumerable.Range(0, c.IntermediateSize).Except(neuronsRemoved.GetValueOrDefault(l, [])).ToArray()).ToArray());

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= tolerance, $"max |Δ| {worst:E2} > {tolerance:E0}");
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void RemovingHeadsEqualsMaskingThem(string arch)
    {
        using var model = Perturbed(arch);
        var heads = new Dictionary<int, int[]> { [0] = [1, 3], [1] = [0] };
        var batch = RandomBatch(1);
        var masked = MaskedLogits(model, batch, heads, []);
        using var pruned = StructuredPruner.Apply(model, Plan(model.Config, heads, []));
        pruned.eval();
        AssertClose(masked, pruned.Logits(batch), 1e-5);
        // The masked heads mattered: without the mask the logits differ, so the equality above is not trivial.
        Assert.True(model.Logits(batch).Zip(masked).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.Equal([2, 3], new[] { pruned.Config.HeadsInLayer(0), pruned.Config.HeadsInLayer(1) });
        Assert.Equal(4, pruned.Config.NumAttentionHeads); // transformers keeps the unpruned count in config.json
        var prefix = arch == "bert" ? "bert.encoder.layer.0.attention.self.query.weight" : "distilbert.transformer.layer.0.attention.q_lin.weight";
        Assert.Equal(new long[] { 2 * 8, 32 }, pruned.NamedTensors()[prefix].Shape);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void RemovingFfnNeuronsEqualsZeroingThem(string arch)
    {
        using var model = Perturbed(arch);
        // The same count per layer (one intermediate_size), different neurons.
        var neurons = new Dictionary<int, int[]> { [0] = Enumerable.Range(0, 24).Select(i => i * 2).ToArray(), [1] = Enumerable.Range(40, 24).ToArray() };
        var batch = RandomBatch(2);
        var masked = MaskedLogits(model, batch, [], neurons);
        using var pruned = StructuredPruner.Apply(model, Plan(model.Config, [], neurons));
        pruned.eval();
        AssertClose(masked, pruned.Logits(batch), 1e-5);
        Assert.True(model.Logits(batch).Zip(masked).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.Equal(40, pruned.Config.IntermediateSize);
    }

    [Fact]
    public void PruningAPrunedModelComposesPrunedHeadsByOriginalIndex()
    {
        using var model = Perturbed("bert");
        var batch = RandomBatch(3);
        using var once = StructuredPruner.Apply(model, Plan(model.Config, new() { [0] = [1] }, []));
        Assert.Equal([1], once.Config.PrunedHeads[0]);
        // Layer 0 now holds original heads 0, 2, 3: current index 1 is original head 2, current 2 is original 3.
        using var twice = StructuredPruner.Apply(once, Plan(once.Config, new() { [0] = [1], [1] = [2] }, []));
        Assert.Equal([1, 2], twice.Config.PrunedHeads[0]);
        Assert.Equal([2], twice.Config.PrunedHeads[1]);
        twice.eval();
        AssertClose(MaskedLogits(model, batch, new() { [0] = [1, 2], [1] = [2] }, []), twice.Logits(batch), 1e-5);
    }

    [Fact]
    public void APrunedFolderHasHuggingFacesConfigAndLoadsStrictlyAndRoundTrips()
    {
        var dir = Directory.CreateTempSubdirectory("ppkm-pruned-").FullName;
        try
        {
            using var model = Perturbed("bert");
            using var pruned = StructuredPruner.Apply(model, Plan(model.Config, new() { [0] = [0, 3], [1] = [2] }, new() { [0] = [5, 6], [1] = [7, 8] }));
            TinyModels.WriteTokenizer(dir);
            ModelCheckpoint.Save(pruned, dir, tokenizerFolder: null);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!.AsObject();
            Assert.Equal("""{"0":[0,3],"1":[2]}""", json["pruned_heads"]!.ToJsonString());
            Assert.Equal(4, json["num_attention_heads"]!.GetValue<int>());
            Assert.Equal(62, json["intermediate_size"]!.GetValue<int>());

            using var loaded = CheckpointLoader.Load(dir);
            Assert.Empty(loaded.NewlyInitialized);
            var batch = RandomBatch(4);
            pruned.eval();
            AssertClose(pruned.Logits(batch), loaded.Model.Logits(batch), 0);
            var again = Path.Combine(dir, "again");
            ModelCheckpoint.Save(loaded.Model, again, dir);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "model.safetensors")), File.ReadAllBytes(Path.Combine(again, "model.safetensors")));
            Assert.True(JsonNode.DeepEquals(json, JsonNode.Parse(File.ReadAllText(Path.Combine(again, "config.json")))), "config.json changed in the round trip");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"0":[0,1,2,3]}""", "every head")]
    [InlineData("""{"0":[4]}""", "outside 0..3")]
    [InlineData("""{"2":[0]}""", "layers 0..1")]
    [InlineData("""[1]""", "must be an object")]
    public void ABadPrunedHeadsIsRefusedAtLoad(string prunedHeads, string expected)
    {
        var json = TinyModels.Bert().ToJson();
        json["pruned_heads"] = JsonNode.Parse(prunedHeads);
        var e = Assert.Throws<UserInputException>(() => ModelConfig.FromJson(json));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ImportanceIsTheMeanAbsoluteMaskGradientNormalisedPerLayer()
    {
        using var model = Perturbed("bert", seed: 9);
        model.to(torch.float64);
        var dir = Directory.CreateTempSubdirectory("ppkm-vocab-").FullName;
        try
        {
            TinyModels.WriteTokenizer(dir);
            var tokenizer = BertWordPieceTokenizer.FromFolder(dir);
            var rows = new List<LabelledText> { new("good movie today", 0), new("the food was awful", 2), new("nice", 1) };
            var scores = ImportanceScorer.Compute(model, rows, tokenizer, maxLength: 16, batchSize: 2);

            // Independently: central finite differences of each row's loss in one head's (scalar) mask.
            var c = model.Config;
            for (int layer = 0; layer < c.NumHiddenLayers; layer++)
            {
                var expected = new double[c.NumAttentionHeads];
                foreach (var row in rows)
                {
                    var batch = tokenizer.EncodeBatch([row.Text], 16);
                    for (int h = 0; h < expected.Length; h++)
                    {
                        double Loss(double value)
                        {
                            model.HeadMasks = Enumerable.Range(0, c.NumHiddenLayers).Select(l =>
                            {
                                var m = Enumerable.Repeat(1.0, c.NumAttentionHeads).ToArray();
                                if (l == layer) m[h] = value;
                                return torch.tensor(m, dtype: ScalarType.Float64).view(1, -1, 1, 1);
                            }).ToArray();
                            var logits = model.Logits(batch).Select(v => (double)v).ToArray();
                            model.HeadMasks = null;
                            double max = logits.Max(), log = Math.Log(logits.Sum(v => Math.Exp(v - max))) + max;
                            return log - logits[row.Label];
                        }
                        const double eps = 1e-3;
                        expected[h] += Math.Abs((Loss(1 + eps) - Loss(1 - eps)) / (2 * eps)) / rows.Count;
                    }
                }
                double norm = Math.Sqrt(expected.Sum(v => v * v));
                for (int h = 0; h < expected.Length; h++)
                    Assert.True(Math.Abs(expected[h] / norm - scores.Heads[layer][h]) < 1e-3, $"layer {layer} head {h}: {expected[h] / norm} vs {scores.Heads[layer][h]}");
                Assert.Equal(1.0, Math.Sqrt(scores.Neurons[layer].Sum(v => v * v)), 6);
            }
            Assert.Equal(3, scores.Rows);
            Assert.All(model.parameters(), p => Assert.True(p.requires_grad)); // restored after scoring
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ThePlanKeepsEachLayersBestHeadAndRemovesTheLeastImportantModelWide()
    {
        var config = TinyModels.Bert(layers: 3);
        // Layer 2's heads are all weaker than every head of layers 0 and 1; its best one must survive anyway.
        var scores = new ImportanceScores(
            [[0.9, 0.35, 0.6, 0.7], [0.8, 0.4, 0.45, 0.3], [0.1, 0.2, 0.05, 0.01]],
            [[3, 1, 2, 0.5, 4, 0, 0, 0, .. new double[56]], new double[64], new double[64]], Rows: 10);
        var plan = PruningPlan.Choose(config, scores, headsKeep: 0.5, neuronsKeep: 0.0625); // 6 of 12 heads, 4 of 64 neurons
        Assert.Equal([[1], [1, 3], [0, 2, 3]], plan.HeadsRemoved);
        Assert.Equal([0, 1, 2, 4], plan.NeuronsKept[0]);
        Assert.All(plan.NeuronsKept, k => Assert.Equal(4, k.Length));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void KeepFractionsOutsideZeroToOneAreRefused(double fraction)
    {
        var config = TinyModels.Bert();
        // The library names its settings (PruneRunOptions' properties); ppkm prune words them as --heads-keep / --ffn-keep.
        var heads = Assert.Throws<InvalidSettingException>(() => PruningPlan.HeadTarget(config, fraction));
        Assert.Equal(("HeadsKeep", $"must be a fraction in (0, 1], got {fraction}."), (heads.Setting, heads.Problem));
        var neurons = Assert.Throws<InvalidSettingException>(() => PruningPlan.NeuronTarget(config, fraction));
        Assert.Equal(("FfnKeep", $"must be a fraction in (0, 1], got {fraction}."), (neurons.Setting, neurons.Problem));
    }

    [Fact]
    public void ATargetThatLeavesALayerHeadlessIsRefused()
    {
        var config = TinyModels.Bert(layers: 3); // 12 heads
        Assert.Equal(3, PruningPlan.HeadTarget(config, 0.25));
        Assert.Equal("HeadsKeep: 0.2 keeps 2 of 12 heads, which would leave a layer with no head (3 layers need at least one each: use at least 0.25).",
            Assert.Throws<InvalidSettingException>(() => PruningPlan.HeadTarget(config, 0.2)).Message);
        using var model = Perturbed("bert");
        var headless = new PruningPlan([[0, 1, 2, 3], []], [Enumerable.Range(0, 64).ToArray(), Enumerable.Range(0, 64).ToArray()]);
        Assert.Contains("no head", Assert.Throws<ArgumentException>(() => StructuredPruner.Apply(model, headless)).Message);
    }

    [Fact]
    public void ThenComposesTwoPlansIntoOneBySourceIndices()
    {
        using var model = Perturbed("bert");
        var first = Plan(model.Config, new() { [0] = [1] }, new() { [0] = [0, 1, 2, 3], [1] = [10, 11, 12, 13] });
        using var once = StructuredPruner.Apply(model, first);
        // Layer 0 now holds original heads 0, 2, 3 and neurons 4..63; layer 1 neurons 0..9 and 14..63.
        var second = Plan(once.Config, new() { [0] = [2], [1] = [0] }, new() { [0] = [0], [1] = [10] });
        using var twice = StructuredPruner.Apply(once, second);
        var combined = first.Then(model.Config, second);
        Assert.Equal([[1, 3], [0]], combined.HeadsRemoved);
        Assert.Equal(Enumerable.Range(5, 59), combined.NeuronsKept[0]);
        Assert.Equal(Enumerable.Range(0, 10).Concat(Enumerable.Range(15, 49)), combined.NeuronsKept[1]);
        using var direct = StructuredPruner.Apply(model, combined);
        var batch = RandomBatch(5);
        twice.eval();
        direct.eval();
        AssertClose(twice.Logits(batch), direct.Logits(batch), 0);
        Assert.Equal(twice.Config.PrunedHeads.ToDictionary(p => p.Key, p => p.Value.ToArray()), direct.Config.PrunedHeads.ToDictionary(p => p.Key, p => p.Value.ToArray()));
        Assert.Equal([[1, 3], [0]], combined.OriginalHeadsRemoved(model.Config));
        Assert.Equal([[3], [0]], second.OriginalHeadsRemoved(once.Config)); // current 2 of layer 0 is original 3
    }

    [Fact]
    public void TheScheduleIsGeometricAndEndsOnTheOneShotTargets()
    {
        var baseSize = TinyModels.Bert(layers: 12, heads: 12, intermediate: 3072, hidden: 48); // 144 heads, 3072 neurons
        // 144 * 0.5^(1/3) = 114.29, 144 * 0.5^(2/3) = 90.71; 3072 * 0.5^(1/3) = 2438.25, 3072 * 0.5^(2/3) = 1935.24.
        Assert.Equal([new StepTarget(114, 2438), new StepTarget(91, 1935), new StepTarget(72, 1536)], PruneSchedule.Targets(baseSize, 0.5, 0.5, 3));
        var tiny = TinyModels.Bert(); // 8 heads, 64 neurons
        // 8 * 0.4^(1/2) = 5.06, 8 * 0.4 = 3.2; 64 * 0.3^(1/2) = 35.05, 64 * 0.3 = 19.2.
        Assert.Equal([new StepTarget(5, 35), new StepTarget(3, 19)], PruneSchedule.Targets(tiny, 0.4, 0.3, 2));
        Assert.Equal([new StepTarget(3, 19)], PruneSchedule.Targets(tiny, 0.4, 0.3, 1));
        // Ten steps from 8 heads to 7: most steps remove nothing, which is allowed.
        var ten = PruneSchedule.Targets(tiny, 0.875, 1.0, 10);
        Assert.Equal(7, ten[^1].Heads);
        Assert.All(ten, t => Assert.Equal(64, t.Neurons));
        // Target / current always lands on the count through the plan's own rounding.
        foreach (var (heads, neurons) in new[] { (5, 35), (3, 19), (2, 1), (8, 64), (7, 63) })
        {
            var (h, n) = PruneSchedule.Fractions(tiny, new StepTarget(heads, neurons));
            Assert.Equal(heads, PruningPlan.HeadTarget(tiny, h));
            Assert.Equal(neurons, PruningPlan.NeuronTarget(tiny, n));
        }
        Assert.Contains("no head", Assert.Throws<InvalidSettingException>(() => PruneSchedule.Targets(tiny, 0.1, 1.0, 3)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void PruningInTwoStepsLandsOnTheOneShotTargetsAndLeavesNoIntermediateFiles(int recoveryEpochs)
    {
        using var temp = TestPaths.NewTempFolder();
        var source = TinyModels.SaveFresh(TinyModels.Bert(), temp.Combine("source")); // 2 layers x 4 heads, 64 neurons
        var data = TinyModels.SeparableSplits();
        PruneRunOptions Options(string output, int steps) => new()
        {
            Training = TinyModels.FastOptions(source, temp.Combine(output)), HeadsKeep = 0.4, FfnKeep = 0.3,
            RecoveryEpochs = recoveryEpochs, ImportanceRows = 0, Steps = steps,
        };
        var result = ModelPruner.Run(Options("two", 2), data);

        // One shot: round(0.4 * 8) = 3 heads, round(0.3 * 64) = 19 neurons; step 1: round(8 * 0.4^0.5) = 5, round(64 * 0.3^0.5) = 35.
        Assert.Equal(2, result.Steps.Count);
        Assert.Equal([5, 3], result.Steps.Select(s => PruneSchedule.TotalHeads(s.After)));
        Assert.Equal([35, 19], result.Steps.Select(s => s.After.IntermediateSize));
        var saved = ModelConfig.Load(temp.Combine("two"));
        Assert.Equal(3, PruneSchedule.TotalHeads(saved));
        Assert.Equal(19, saved.IntermediateSize);
        Assert.Equal(result.Steps[0].After, result.Steps[1].Before);
        Assert.Equal(result.Pruned, result.Steps[1].After);
        Assert.Equal(2 * 19, result.Plan.NeuronsKept.Sum(k => k.Length));

        // pruned_heads is the union of both steps' removals by original index, none removed twice.
        for (int l = 0; l < 2; l++)
        {
            var first = result.Steps[0].OriginalHeadsRemoved[l];
            var second = result.Steps[1].OriginalHeadsRemoved[l];
            Assert.Empty(first.Intersect(second));
            Assert.Equal(first.Concat(second).Order(), saved.PrunedHeads.GetValueOrDefault(l, []));
            Assert.Equal(result.Plan.OriginalHeadsRemoved(result.Source)[l], saved.PrunedHeads.GetValueOrDefault(l, []));
        }
        Assert.Equal(5, saved.PrunedHeads.Values.Sum(h => h.Count));
        Assert.Equal(recoveryEpochs > 0, result.Steps.All(s => s.Recovery is not null));
        Assert.True(result.Steps[0].ParametersAfter > result.Steps[1].ParametersAfter);
        Assert.Equal(result.ParametersAfter, result.Steps[1].ParametersAfter);

        // The output holds what a one-shot run writes, nothing from the intermediate step.
        var oneShot = ModelPruner.Run(Options("one", 1), data);
        Assert.Single(oneShot.Steps);
        Assert.Equal(oneShot.Plan, oneShot.Steps[0].Plan);
        Assert.Equal(3, PruneSchedule.TotalHeads(oneShot.Pruned));
        Assert.Equal(19, oneShot.Pruned.IntermediateSize);
        static string[] Listing(string folder) => Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order().ToArray();
        Assert.Equal(Listing(temp.Combine("one")), Listing(temp.Combine("two")));
        Assert.False(Directory.Exists(temp.Combine("two", ModelPruner.StepsFolder)));
        Assert.DoesNotContain(Listing(temp.Combine("two")), f => f.Contains("step"));
    }
}
