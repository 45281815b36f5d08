namespace PpkmOnnx.Training.Models;

/// <summary>The number format a <see cref="SequenceClassifier"/>'s matrix products run in; parameters stay float32 either way.</summary>
public enum ComputePrecision
{
    /// <summary>Every product in float32: Hugging Face's numerics, and the default.</summary>
    Float32,

    /// <summary>
    /// Mixed precision as PyTorch's CPU autocast does it: every Linear layer's product and eager attention's two batched
    /// products run in bfloat16 (float32 accumulation inside the kernel; AMX or AVX-512-BF16 where the CPU has them), their
    /// inputs cast down and their results cast back to float32. <see cref="AttentionKernel.Fused"/> attention, LayerNorm,
    /// softmax, GELU, dropout, the loss and the parameters (the optimizer's master weights) stay float32. Changes results
    /// beyond float tolerance, so it is opt-in.
    /// </summary>
    BFloat16,
}
