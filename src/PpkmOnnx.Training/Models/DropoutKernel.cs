namespace PpkmOnnx.Training.Models;

/// <summary>How a <see cref="SequenceClassifier"/> draws its dropout masks in training mode.</summary>
public enum DropoutKernel
{
    /// <summary>
    /// libtorch's <c>dropout</c> masks (<c>bernoulli_</c> from torch's generator, then a multiply): the default, drawing the
    /// same random numbers as every earlier release. <see cref="LibtorchDropout"/> draws them in C#, several times faster
    /// than libtorch's serial <c>bernoulli_</c>, with bit-identical outputs and generator state.
    /// </summary>
    Libtorch,

    /// <summary>
    /// <see cref="CounterDropout"/>: the same Bernoulli(1 − p) masks scaled by 1/(1 − p), drawn from a counter-based hash
    /// keyed by one number taken from torch's generator per call, so a seeded run is reproducible and a resumed run
    /// continues identically. Its fill runs on every torch thread (<see cref="Libtorch"/>'s is one sequential stream), but
    /// its draws differ from <see cref="Libtorch"/>'s, so a run is not bit-comparable with one that used it: opt-in.
    /// </summary>
    Counter,
}
