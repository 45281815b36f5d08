using PpkmOnnx.Training.Models;
using PpkmOnnx.Training.Performance;
using TorchSharp;

namespace PpkmOnnx.Training.Tests;

public class TrainingStepFlopsTests
{
    [Fact]
    public void TinyBertCountsMatchHandComputedMatmulOperations()
    {
        // hidden 32, FFN 64, 2 layers, 2 labels. Per layer q,k,v,o: 4·32·32 = 4096 and FFN 2·32·64 = 4096 → 8192; two
        // layers 16384 tokenwise. Pooler 32·32 + classifier 2·32 = 1088 per sequence. Attention width 2·32 = 64.
        torch.manual_seed(1);
        using var model = BertForSequenceClassification.Create(TinyModels.Bert(layers: 2));
        Assert.Equal((16384L, 1088L, 64L), TrainingStepFlops.MatmulWeights(model));
        // B = 3, S = 4: 6·16384·12 + 6·1088·3 + 12·3·4²·64 = 1,179,648 + 19,584 + 36,864.
        Assert.Equal(1_236_096.0, TrainingStepFlops.Of(model, 3, 4));
        // Forward, input-gradient and weight-gradient shapes of the two distinct Linear shapes (32→32, 32→64, 64→32).
        Assert.Equal(
            new[] { new GemmShape(12, 32, 32), new GemmShape(32, 12, 32), new GemmShape(12, 32, 64), new GemmShape(12, 64, 32), new GemmShape(64, 12, 32), new GemmShape(32, 12, 64) },
            TrainingStepFlops.LinearGemmShapes(model, 12));
    }

    [Fact]
    public void MiniLmShapeIsAbout134GflopPerStepAt32By64()
    {
        var config = new Core.Checkpoints.ModelConfig
        {
            Architecture = Core.Checkpoints.ModelArchitecture.Bert, VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6,
            NumAttentionHeads = 12, IntermediateSize = 1536, Labels = new[] { "negative", "neutral", "positive" },
        };
        using var model = BertForSequenceClassification.Create(config);
        // 6 · (4·384² + 2·384·1536) · 6 layers · 2048 tokens + 6 · (384² + 3·384) · 32 + 12 · 32 · 64² · 6·384.
        double expected = 6.0 * 1_769_472 * 6 * 2048 + 6.0 * 148_608 * 32 + 12.0 * 32 * 4096 * 2304;
        Assert.Equal(expected, TrainingStepFlops.Of(model, 32, 64));
        Assert.InRange(expected / 1e9, 134.0, 134.2);
    }

    [Fact]
    public void DistilBertCountsItsQueryProjectionsAndHead()
    {
        torch.manual_seed(1);
        using var model = DistilBertForSequenceClassification.Create(TinyModels.DistilBert(layers: 2));
        var (tokenwise, perSequence, width) = TrainingStepFlops.MatmulWeights(model);
        Assert.Equal(16384L, tokenwise);
        Assert.Equal(32L * 32 + 2 * 32, perSequence); // pre_classifier + classifier
        Assert.Equal(64L, width);
    }
}
