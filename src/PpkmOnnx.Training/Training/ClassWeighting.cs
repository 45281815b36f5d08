namespace PpkmOnnx.Training.Training;

/// <summary>Per-class weights of the cross-entropy loss.</summary>
public enum ClassWeighting
{
    /// <summary>Every class weighs 1.</summary>
    None,
    /// <summary>Inverse frequency, <c>N / (K · n_c)</c> (scikit-learn's "balanced").</summary>
    InverseFrequency,
}
