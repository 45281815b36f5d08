using TorchSharp;
using static TorchSharp.torch;

namespace PpkmOnnx.Training.Distillation;

/// <summary>
/// Hinton-style knowledge-distillation loss:
/// <c>α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1 − α)·CE(s, y)</c>, the KL averaged over the batch (batchmean).
/// </summary>
public static class DistillationLoss
{
    /// <summary>The loss of one batch.</summary>
    /// <param name="studentLogits">Student output <c>[batch, classes]</c>.</param>
    /// <param name="teacherLogits">Teacher output <c>[batch, classes]</c> (no gradient flows into it).</param>
    /// <param name="labels">Gold class ids, int64 <c>[batch]</c>.</param>
    /// <param name="temperature">T.</param>
    /// <param name="alpha">α.</param>
    /// <param name="classWeights">Optional cross-entropy class weights.</param>
    public static Tensor Compute(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double temperature, double alpha, Tensor? classWeights = null)
    {
        var studentLog = nn.functional.log_softmax(studentLogits / temperature, 1);
        var teacherLog = nn.functional.log_softmax(teacherLogits.detach() / temperature, 1);
        var kl = (teacherLog.exp() * (teacherLog - studentLog)).sum() / studentLogits.shape[0];
        var ce = nn.functional.cross_entropy(studentLogits, labels, classWeights);
        return kl * (alpha * temperature * temperature) + ce * (1.0 - alpha);
    }
}
