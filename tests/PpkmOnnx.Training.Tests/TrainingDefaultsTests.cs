using PpkmOnnx.Training.Training;

namespace PpkmOnnx.Training.Tests;

public sealed class TrainingDefaultsTests
{
    [Theory]
    [InlineData(384, 1e-4)]   // MiniLM-L6
    [InlineData(512, 1e-4)]
    [InlineData(768, 3e-5)]   // BERT-base, multilingual DistilBERT
    [InlineData(1024, 3e-5)]
    public void The_learning_rate_follows_the_encoder_width(int hidden, double expected)
    {
        var (lr, reason) = TrainingDefaults.LearningRateFor(TinyModels.Bert() with { HiddenSize = hidden });
        Assert.Equal(expected, lr);
        Assert.Contains(hidden.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
    }

    [Theory]
    [InlineData(1600, 32, 10)]    // 50 steps/epoch: 20 epochs would reach 1,000 steps, capped at 10
    [InlineData(7652, 32, 5)]     // 240 steps/epoch: ceil(1000 / 240) = 5
    [InlineData(4000, 32, 8)]     // 125 steps/epoch: 8
    [InlineData(100_000, 32, 3)]  // 3,125 steps/epoch: at least 3 epochs
    [InlineData(0, 32, 10)]
    public void Epochs_aim_at_a_thousand_steps_within_three_to_ten(int rows, int batch, int expected) =>
        Assert.Equal(expected, TrainingDefaults.EpochsFor(rows, batch).Epochs);
}
