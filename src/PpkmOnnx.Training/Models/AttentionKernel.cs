namespace PpkmOnnx.Training.Models;

/// <summary>How a <see cref="SequenceClassifier"/> computes multi-head attention.</summary>
public enum AttentionKernel
{
    /// <summary>
    /// Hugging Face's eager path: matmul, scale, additive mask, softmax, dropout, matmul, every intermediate a tensor of its
    /// own. The default: its dropout draws the same random numbers as every earlier release.
    /// </summary>
    Eager,

    /// <summary>
    /// libtorch's <c>scaled_dot_product_attention</c> (a fused kernel where libtorch has one for the device and shapes).
    /// Equal to <see cref="Eager"/> to float tolerance without dropout; with dropout it draws different random numbers,
    /// so a run is not bit-comparable with an eager one. Falls back to <see cref="Eager"/> while
    /// <see cref="SequenceClassifier.HeadMasks"/> are set, because importance scoring needs the probabilities.
    /// </summary>
    Fused,
}
