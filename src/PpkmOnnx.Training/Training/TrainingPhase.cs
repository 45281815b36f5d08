namespace PpkmOnnx.Training.Training;

/// <summary>What a run is doing when it reports progress.</summary>
public enum TrainingPhase
{
    /// <summary>Optimizer steps over the train split.</summary>
    Train,
    /// <summary>Scoring the train split with a distillation's teacher, once before the first epoch (Step of StepsPerEpoch rows).</summary>
    Teacher,
    /// <summary>Scoring the validation split after an epoch.</summary>
    Validate,
    /// <summary>Scoring the test split with the best checkpoint.</summary>
    Test,
}
