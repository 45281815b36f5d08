using System.Globalization;
using PpkmOnnx.Core;

namespace PpkmOnnx.Training.Training;

/// <summary>
/// Stops a run whose loss is no longer a finite number. Once NaN or ∞ reaches the weights every later step is NaN too,
/// so going on would only end in a NaN checkpoint marked finished; stopping before the epoch ends keeps the last good
/// checkpoint (saved at the best epoch) and the resume point of the last completed epoch untouched.
/// </summary>
internal static class DivergenceCheck
{
    /// <summary>Returns <paramref name="loss"/> when it is finite.</summary>
    /// <exception cref="SettingsAdviceException">The loss is NaN or infinite: the settings (usually <see cref="TrainingRunOptions.LearningRate"/>, which the message names) made training diverge.</exception>
    public static float Finite(float loss, int epoch, int step, double learningRate, int bestEpoch, string output)
    {
        if (float.IsFinite(loss)) return loss;
        var kept = bestEpoch > 0
            ? $"the last good checkpoint (epoch {bestEpoch}) is kept in {output}"
            : "no checkpoint was written (no epoch had finished)";
        var lossText = float.IsNaN(loss) ? "NaN" : loss.ToString(CultureInfo.InvariantCulture);
        throw new SettingsAdviceException(name => string.Create(CultureInfo.InvariantCulture,
            $"training diverged: the loss is {lossText} at epoch {epoch}, step {step} (learning rate {learningRate:G3}); {kept}. Lower {name(nameof(TrainingRunOptions.LearningRate))} (or check the data) and train again."));
    }
}
