namespace PpkmOnnx.Training.Training;

/// <summary>
/// transformers' <c>get_linear_schedule_with_warmup</c>: the learning rate of optimizer step <c>s</c> (0-based) is
/// <c>peak·s/W</c> while <c>s &lt; W</c>, then <c>peak·max(0, (T − s)/(T − W))</c>. As in transformers, the first
/// step runs at 0 when there is warmup.
/// </summary>
/// <param name="PeakLearningRate">Learning rate reached at the end of warmup.</param>
/// <param name="WarmupSteps">W.</param>
/// <param name="TotalSteps">T.</param>
public sealed record LinearWarmupSchedule(double PeakLearningRate, long WarmupSteps, long TotalSteps)
{
    /// <summary>The schedule of a run: <c>W = ceil(ratio·T)</c> as transformers' <c>get_warmup_steps</c>.</summary>
    public static LinearWarmupSchedule Create(double peakLearningRate, double warmupRatio, long totalSteps) =>
        new(peakLearningRate, (long)Math.Ceiling(warmupRatio * totalSteps), totalSteps);

    /// <summary>Learning rate for the optimizer step with 0-based index <paramref name="step"/>.</summary>
    public double At(long step)
    {
        if (step < WarmupSteps) return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        return PeakLearningRate * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps));
    }
}
